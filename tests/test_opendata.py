"""Open-data exports: the page, only published data, formula injection in
CSV and XLSX, constant queries per chunk."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from relint.activities.models import Activity, ReviewState
from relint.activities.serializers import activity_record
from relint.opendata.exports import DANGEROUS_PREFIXES, export_activities

pytestmark = pytest.mark.django_db


def _activity(department, title, state=ReviewState.ACCEPTED, public=True):
    activity = Activity.objects.create(
        year=2024,
        kind="exchange",
        title_it=title,
        lead_department=department,
        review_state=state,
        review_comment="x" if state == ReviewState.RETURNED else "",
        is_public=public,
    )
    if state == ReviewState.ACCEPTED:
        activity.accepted_snapshot = activity_record(activity)
        activity.save()
    return activity


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_it_lists_every_dataset_with_formats_and_licence(client, db):
    response = client.get("/it/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    for slug in ("activities", "cities", "relations", "organisations", "agreements", "departments"):
        for fmt in ("csv", "xlsx", "json"):
            assert f"/it/open-data/{slug}.{fmt}" in html
    assert "CC BY 4.0" in html
    assert client.post("/it/open-data/").status_code == 405
    assert client.get("/it/open-data/nothing.csv").status_code == 404
    assert client.get("/it/open-data/activities.exe").status_code == 404


def test_it_exports_only_published_activities(client, personas):
    dep = personas.department_a
    _activity(dep, "Pubblica")
    _activity(dep, "Riservata", public=False)
    _activity(dep, "Bozza", state=ReviewState.DRAFT)
    _activity(dep, "Restituita", state=ReviewState.RETURNED)
    _activity(dep, "Inviata", state=ReviewState.SUBMITTED)
    for fmt in ("csv", "json"):
        text = _body(client.get(f"/it/open-data/activities.{fmt}")).decode("utf-8-sig")
        assert "Pubblica" in text
        for hidden in ("Riservata", "Bozza", "Restituita", "Inviata", "review_state"):
            assert hidden not in text, (fmt, hidden)
    rows = json.loads(_body(client.get("/it/open-data/activities.json")))
    assert [r["title_it"] for r in rows] == ["Pubblica"]
    workbook = load_workbook(io.BytesIO(_body(client.get("/it/open-data/activities.xlsx"))))
    rows = list(workbook.active.iter_rows(values_only=True))
    column = rows[0].index("title_it")
    assert [row[column] for row in rows[1:]] == ["Pubblica"]


@pytest.mark.parametrize("prefix", DANGEROUS_PREFIXES)
def test_it_never_writes_a_live_formula(client, personas, prefix):
    title = f'{prefix}HYPERLINK("http://evil","x")'
    _activity(personas.department_a, title)
    text = _body(client.get("/it/open-data/activities.csv")).decode("utf-8-sig")
    row = next(iter(csv.DictReader(io.StringIO(text))))
    assert row["title_it"] == "'" + title
    workbook = load_workbook(io.BytesIO(_body(client.get("/it/open-data/activities.xlsx"))))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("title_it") + 1)
    assert cell.data_type == "s"
    assert cell.value == title


def test_it_exports_a_staff_filtered_queryset(personas):
    _activity(personas.department_a, "Ambiente", state=ReviewState.DRAFT)
    _activity(personas.department_b, "Cultura")
    response = export_activities(Activity.objects.filter(lead_department=personas.department_a), "json")
    rows = json.loads(_body(response))
    assert [(r["title_it"], r["review_state"]) for r in rows] == [("Ambiente", "draft")]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        _body(client.get(url))
    return len(ctx.captured_queries)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_it_exports_with_a_constant_number_of_queries(client, personas, fmt):
    def make(n):
        Activity.objects.bulk_create(
            Activity(
                year=2024,
                kind="exchange",
                title_it=f"A{i}",
                lead_department=personas.department_a,
                review_state="accepted",
            )
            for i in range(n)
        )

    make(20)
    few = _queries(client, f"/it/open-data/activities.{fmt}")
    make(430)  # still one chunk of 500: queries grow with chunks, never with rows
    many = _queries(client, f"/it/open-data/activities.{fmt}")
    assert few == many


def _bulk_public(department, start: int, count: int) -> None:
    rows = Activity.objects.bulk_create(
        Activity(
            year=2024, kind="exchange", title_it=f"B{start + i}", lead_department=department, review_state="accepted"
        )
        for i in range(count)
    )
    Activity.countries.through.objects.bulk_create(
        Activity.countries.through(activity_id=a.pk, country_id="FR") for a in rows
    )


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_it_reads_more_than_one_chunk_with_the_same_queries_per_chunk(client, personas, fmt, monkeypatch):
    from relint.opendata import exports

    monkeypatch.setattr(exports, "CHUNK", 50)
    address = f"/it/open-data/activities.{fmt}"
    _bulk_public(personas.department_a, 0, 50)
    one_chunk = _queries(client, address)
    _bulk_public(personas.department_a, 50, 50)
    two_chunks = _queries(client, address)
    _bulk_public(personas.department_a, 100, 101)
    five_chunks = _queries(client, address)  # 201 rows: 50 + 50 + 50 + 50 + 1
    per_chunk = two_chunks - one_chunk
    assert per_chunk > 0  # the prefetches run again for each chunk...
    assert five_chunks - two_chunks == 3 * per_chunk  # ...and never per row
    body = _body(client.get(address))
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 1 + 201
    elif fmt == "json":
        assert len(json.loads(body)) == 201
    else:
        # Counted row by row: read-only mode trusts <dimension> (PITFALLS.md).
        assert sum(1 for _ in load_workbook(io.BytesIO(body), read_only=True).active.iter_rows()) == 1 + 201


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_it_sends_the_first_rows_before_reading_the_last_chunk(client, personas, fmt, monkeypatch):
    from relint.opendata import exports

    monkeypatch.setattr(exports, "CHUNK", 50)
    _bulk_public(personas.department_a, 0, 200)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/it/open-data/activities.{fmt}")
        assert response.streaming
        pieces = iter(response.streaming_content)
        first = [next(pieces) for _ in range(5)]  # the opening and the first rows
        read_early = len(queries)
        rest = list(pieces)
    assert b"B" in b"".join(first)
    assert read_early < len(queries)  # the later chunks were read after the first rows went out
    assert len(rest) >= 196
