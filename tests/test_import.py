"""Spreadsheet import (issue 6): values as people type them, matching,
dry run and commit, the round trip, permissions, and the bad-input corpus
generated here (each file: a clear message, no 500, the database unchanged)."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from relint.activities.models import Activity, ReviewState
from relint.core.models import DatePrecision
from relint.exchange import services, values, workbook
from relint.exchange.columns import ACTIVITY_COLUMNS
from relint.exchange.models import ImportRun, ImportState
from relint.exchange.reading import decode_text
from relint.partners.models import Organisation, PartnerCity


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the source language); the pages'
    Italian is the catalogue's."""
    with translation.override("en"):
        yield


HEADERS_IT = [column.header_it for column in ACTIVITY_COLUMNS]
HEADERS_EN = [column.header_en for column in ACTIVITY_COLUMNS]


@pytest.fixture
def registry(db):
    return {
        "koeln": PartnerCity.objects.create(
            name_it="Colonia", name_en="Cologne", name_local="Köln", country_id="DE", geonames_id=2886242
        ),
        "lyon": PartnerCity.objects.create(name_it="Lione", name_en="Lyon", country_id="FR"),
        "valencia_es": PartnerCity.objects.create(name_it="Valencia", country_id="ES"),
        "valencia_ve": PartnerCity.objects.create(name_it="Valencia", country_id="VE"),
        "onu": Organisation.objects.create(
            name="Organizzazione delle Nazioni Unite", acronym="ONU", kind="international"
        ),
    }


def row(**cells) -> list:
    """A row of the activities sheet, in the template's column order."""
    base = {"year": 2025, "lead_department": "AMBIENTE", "kind": "Progetto europeo", "title_it": "Titolo"}
    base.update(cells)
    return [base.get(column.key) for column in ACTIVITY_COLUMNS]


def xlsx(rows: list[list], headers=HEADERS_IT, title="Attività", formulas=False) -> bytes:
    """A workbook as a spreadsheet program saves it; text starting with "="
    stays text unless `formulas`."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for values_ in rows:
        sheet.append(values_)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("=") and not formulas:
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(user, content: bytes, filename="attivita.xlsx") -> ImportRun:
    return services.import_run_check(user=user, content=content, filename=filename)


def errors_of(run: ImportRun) -> list[tuple[int, str, str]]:
    return [
        (r["row"], problem["column"], problem["message"])
        for r in run.report.get("rows", [])
        if r["action"] == "error"
        for problem in r["errors"]
    ]


def snapshot() -> list:
    return list(Activity.objects.order_by("pk").values_list("pk", "version", "title_it", "description_it"))


# --- values as people type them ---------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("31/12/2025", (dt.date(2025, 12, 31), DatePrecision.DAY)),
        ("2025-12-31", (dt.date(2025, 12, 31), DatePrecision.DAY)),
        ("31.12.25", (dt.date(2025, 12, 31), DatePrecision.DAY)),
        (46022, (dt.date(2025, 12, 31), DatePrecision.DAY)),  # Excel serial
        (dt.datetime(2025, 12, 31), (dt.date(2025, 12, 31), DatePrecision.DAY)),
        ("03/2004", (dt.date(2004, 3, 1), DatePrecision.MONTH)),
        ("1986", (dt.date(1986, 1, 1), DatePrecision.YEAR)),
        (1986, (dt.date(1986, 1, 1), DatePrecision.YEAR)),
    ],
)
def test_it_reads_dates_as_people_type_them(typed, expected):
    assert values.parse_date(typed) == expected


def test_it_refuses_30_february():
    with pytest.raises(values.ValueProblemError, match="30/02/2025"):
        values.parse_date("30/02/2025")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("€ 1.234,56", "1234.56"),
        ("1234,5", "1234.50"),
        ("1.234", "1234.00"),
        ("1,234.56", "1234.56"),
        ("EUR 12.000", "12000.00"),
        (1234.5, "1234.50"),
    ],
)
def test_it_reads_amounts_as_people_type_them(typed, expected):
    assert values.parse_amount(typed) == Decimal(expected)


def test_it_refuses_negative_or_garbled_amounts():
    for typed in ("-5", "12,34,56.7.8", "circa mille"):
        with pytest.raises(values.ValueProblemError):
            values.parse_amount(typed)


def test_it_reads_a_range_of_years():
    assert values.parse_range("2000-2006") == (
        (dt.date(2000, 1, 1), DatePrecision.YEAR),
        (dt.date(2006, 1, 1), DatePrecision.YEAR),
    )


# --- CSV encodings ------------------------------------------------------------------
TEXT = "Anno;Settore capofila;Tipologia;Titolo\n2025;AMBIENTE;Scambio;Città sì, perché\n"


@pytest.mark.parametrize(
    ("encoded", "decided"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8 with a byte order mark"),
        (TEXT.encode("utf-16"), "UTF-16 (byte order mark found)"),
        (TEXT.encode("cp1252"), "Windows-1252 (cp1252): the file is not valid UTF-8"),
    ],
)
def test_it_decodes_csv_without_garbling(encoded, decided):
    text, note = decode_text(encoded)
    assert text == TEXT
    assert note == decided


@pytest.mark.parametrize("delimiter", [";", ","])
def test_it_imports_csv_with_either_delimiter(personas, delimiter):
    content = TEXT.replace(";", delimiter).replace("sì, perché", "sì perché").encode("cp1252")
    run = check(personas.editor_a, content, "attivita.csv")
    assert run.counts["new"] == 1, run.report
    assert "Windows-1252" in run.encoding
    assert ("semicolon" if delimiter == ";" else "comma") in run.encoding
    run = services.import_run_commit(user=personas.editor_a, run=run)
    assert Activity.objects.get().title_it == "Città sì perché"


# --- dry run, commit, round trip ---------------------------------------------------------
def test_it_dry_runs_then_commits_everything_with_partners_funding_and_sdgs(personas, registry):
    content = xlsx(
        [
            row(
                title_it="Rete città verdi",
                start="2000-2006",
                status="in corso",
                departments="CULTURA",
                countries="DE; Francia",
                partner_cities="Koln: capofila; Lyon (FR)",
                partner_organisations="ONU: finanziatore",
                funding="Unione europea | FESR | € 1.234,56; Bilancio comunale | | 500",
                sdgs="11; SDG 13",
                dac_sector="04310",
            )
        ]
    )
    run = check(personas.editor_a, content)
    assert run.state == ImportState.CHECKED, run.error
    assert errors_of(run) == []
    assert run.counts == {"rows": 1, "new": 1, "changed": 0, "unchanged": 0, "errors": 0}
    assert not Activity.objects.exists()  # a dry run writes nothing
    run = services.import_run_commit(user=personas.editor_a, run=run)
    assert run.state == ImportState.COMMITTED and run.committed_at and run.content is None
    activity = Activity.objects.get()
    assert (activity.start_date, activity.start_precision) == (dt.date(2000, 1, 1), "year")
    assert (activity.end_date, activity.end_precision) == (dt.date(2006, 1, 1), "year")
    assert activity.dac_sector == "04310"  # leading zero kept
    assert activity.status == "ongoing"
    assert {(link.city.name_it, link.role) for link in activity.city_links.all()} == {
        ("Colonia", "lead"),
        ("Lione", "partner"),
    }
    assert [(o.organisation.acronym, o.role) for o in activity.organisation_links.all()] == [("ONU", "funder")]
    assert sorted(line.amount for line in activity.funding_lines.all()) == [Decimal("500.00"), Decimal("1234.56")]
    assert sorted(g.number for g in activity.sdgs.all()) == [11, 13]
    assert sorted(activity.countries.values_list("iso2", flat=True)) == ["DE", "FR"]
    assert list(activity.departments.values_list("code", flat=True)) == ["CULTURA"]
    assert activity.created_by == personas.editor_a


@pytest.mark.parametrize("name", ["Koln", "Köln", "Cologne", "COLONIA", "köln (DE)"])
def test_it_matches_cities_in_any_language_with_or_without_accents(personas, registry, name):
    run = check(personas.editor_a, xlsx([row(partner_cities=name)]))
    assert run.counts["new"] == 1, errors_of(run)


def test_it_never_guesses_an_ambiguous_or_unknown_partner(personas, registry):
    run = check(
        personas.editor_a,
        xlsx([row(title_it="A", partner_cities="Valencia"), row(title_it="B", partner_cities="Lyonn (FR)")]),
    )
    problems = errors_of(run)
    assert run.counts["errors"] == 2 and run.content is None
    assert "ambiguous" in problems[0][2] and "Valencia (ES)" in problems[0][2] and "Valencia (VE)" in problems[0][2]
    assert problems[0][1] == "Q (Città partner)"
    assert "not found" in problems[1][2] and "Lione (FR)" in problems[1][2]  # the suggestion


def test_it_matches_organisations_by_name_or_acronym_and_suggests(personas, registry):
    run = check(
        personas.editor_a,
        xlsx(
            [
                row(title_it="A", partner_organisations="onu"),
                row(title_it="B", partner_organisations="Organizzazione delle Nazioni Unite: partner"),
                row(title_it="C", partner_organisations="Organizazione delle Nazioni Unite"),
            ]
        ),
    )
    assert run.counts["new"] == 2
    assert "did you mean: Organizzazione delle Nazioni Unite" in errors_of(run)[0][2]


def test_it_accepts_english_headers_and_english_labels(personas):
    run = check(personas.editor_a, xlsx([row(kind="European project", status="Completed")], headers=HEADERS_EN))
    assert run.counts["new"] == 1, errors_of(run)


def test_it_round_trips_an_export_and_imports_the_same_file_twice_without_change(personas, registry):
    first = check(
        personas.editor_a,
        xlsx(
            [
                row(title_it="Uno", partner_cities="Köln: capofila", funding="Unione europea | FESR | 1.000,50"),
                row(title_it="Due", start="31/12/2024", end="2025", sdgs="3", description_it="=non una formula"),
            ]
        ),
    )
    services.import_run_commit(user=personas.editor_a, run=first)
    before = snapshot()
    exported = workbook.write_workbook(user=personas.editor_a, activities=Activity.objects.all())
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS_IT
    cell = next(c for c in sheet["G"] if c.value == "=non una formula")
    assert cell.data_type == "s"  # text, not a live formula
    again = check(personas.editor_a, exported, "export.xlsx")
    assert again.counts == {"rows": 2, "new": 0, "changed": 0, "unchanged": 2, "errors": 0}
    assert not again.can_commit
    assert snapshot() == before
    # The same original file a second time: matched by year, department and title.
    second = check(personas.editor_a, xlsx([row(title_it="Uno", partner_cities="Köln: capofila",
                                                 funding="Unione europea | FESR | 1.000,50")]))  # fmt: skip
    assert second.counts["unchanged"] == 1 and second.counts["new"] == 0


def test_it_updates_edited_rows_with_field_by_field_differences_and_adds_new_ones(personas, registry):
    services.import_run_commit(user=personas.editor_a, run=check(personas.editor_a, xlsx([row(title_it="Uno")])))
    activity = Activity.objects.get()
    exported = workbook.write_workbook(user=personas.editor_a, activities=Activity.objects.all())
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book.worksheets[0]
    sheet["E2"] = "Uno, rinominato"
    sheet["L2"] = "01/02/2025"
    sheet.append(row(title_it="Nuova"))
    buffer = io.BytesIO()
    book.save(buffer)
    run = check(personas.editor_a, buffer.getvalue(), "edited.xlsx")
    assert run.counts == {"rows": 2, "new": 1, "changed": 1, "unchanged": 0, "errors": 0}
    diffs = next(r for r in run.report["rows"] if r["action"] == "changed")["diffs"]
    assert {(d["field"], d["old"], d["new"]) for d in diffs} == {
        ("Titolo", "Uno", "Uno, rinominato"),
        ("Inizio", "", "01/02/2025"),
    }
    services.import_run_commit(user=personas.editor_a, run=run)
    activity.refresh_from_db()
    assert activity.title_it == "Uno, rinominato" and activity.version == 2
    assert Activity.objects.count() == 2


def test_a_dry_run_read_in_italian_commits_from_the_english_interface(personas, registry):
    """The dry run's labels are in the reader's language; what the commit
    checks against it is not."""
    services.import_run_commit(user=personas.editor_a, run=check(personas.editor_a, xlsx([row(title_it="Uno")])))
    edited = xlsx(
        [
            row(
                title_it="Uno",
                kind="Adesione o incarico in una rete tematica",
                status="In corso",
                is_public="no",
                countries="DE; FR",
                sdgs="4; 11",
            )
        ]
    )
    with translation.override("it"):
        run = check(personas.editor_a, edited)
    assert run.counts["changed"] == 1
    diffs = {d["field"]: d["new"] for d in run.report["rows"][0]["diffs"]}
    assert diffs["Pubblica"] == "no" and diffs["Tipologia"] == "Adesione o incarico in una rete tematica"
    with translation.override("en"):
        committed = services.import_run_commit(user=personas.editor_a, run=run)
    assert committed.state == ImportState.COMMITTED, committed.error
    activity = Activity.objects.get()
    assert (activity.kind, activity.status, activity.is_public) == ("network", "ongoing", False)
    assert sorted(activity.countries.values_list("iso2", flat=True)) == ["DE", "FR"]


def test_it_flags_duplicate_rows_within_the_file(personas):
    run = check(personas.editor_a, xlsx([row(title_it="Doppia"), row(title_it="doppia ")]))
    assert errors_of(run) == [(3, "E (Titolo)", "Duplicate row: row 2 has the same year, lead department and title.")]


def test_it_names_row_and_column_of_30_february(personas):
    run = check(personas.editor_a, xlsx([row(), row(title_it="Altra", end="30/02/2025")]))
    assert errors_of(run) == [(3, "M (Fine)", "30/02/2025 is not a date of the calendar.")]
    assert run.content is None and not run.can_commit


def test_it_takes_the_cached_value_of_formula_cells(personas):
    # A formula cell with the value Excel cached when it saved the file.
    content = xlsx([row(year="=2024+1")], formulas=True)
    content = _rewrite_part(
        content, "xl/worksheets/sheet1.xml", lambda x: x.replace(b"<f>2024+1</f><v></v>", b"<f>2024+1</f><v>2025</v>")
    )
    run = check(personas.editor_a, content)
    assert run.counts["new"] == 1, errors_of(run)


def test_it_reads_every_row_even_with_a_stale_dimension(personas):
    content = xlsx([row(title_it=f"Riga {n}") for n in range(5)])
    content = _rewrite_part(
        content, "xl/worksheets/sheet1.xml", lambda x: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:V2"', x)
    )
    run = check(personas.editor_a, content)
    assert run.counts["new"] == 5


def test_it_rolls_back_everything_when_the_last_row_fails_during_the_commit(personas):
    # 100 rows rather than 1,000: each commit of a row costs tens of queries,
    # and the dry-run test below covers row 999 of 1,000.
    rows = [row(title_it=f"Attività {n}") for n in range(100)]
    services.import_run_commit(user=personas.editor_a, run=check(personas.editor_a, xlsx(rows[98:99])))
    run = check(personas.editor_a, xlsx(rows))
    assert run.counts["new"] == 99 and run.counts["unchanged"] == 1
    # Between the dry run and the commit, the activity of row 100 is
    # submitted for review, so the editor can no longer change it...
    rows[98][ACTIVITY_COLUMNS.index(next(c for c in ACTIVITY_COLUMNS if c.key == "description_it"))] = "nuova"
    run = check(personas.editor_a, xlsx(rows))
    assert run.counts["changed"] == 1
    Activity.objects.update(review_state=ReviewState.SUBMITTED)
    before = snapshot()
    run = services.import_run_commit(user=personas.editor_a, run=run)
    assert run.state == ImportState.FAILED and "nothing was imported" in run.error
    assert snapshot() == before  # the 98 rows written before it are rolled back


def test_it_refuses_a_bad_value_on_row_999_of_1000_in_the_dry_run(personas):
    rows = [row(title_it=f"Attività {n}") for n in range(1000)]
    rows[998] = row(title_it="Sbagliata", year="duemila")
    run = check(personas.editor_a, xlsx(rows))
    assert errors_of(run) == [(1000, "B (Anno)", "“duemila” is not a year.")]
    with pytest.raises(services.ImportRefusedError):
        services.import_run_commit(user=personas.editor_a, run=run)
    assert not Activity.objects.exists()


def test_it_logs_who_when_sha256_and_counts(personas):
    content = xlsx([row()])
    run = check(personas.editor_a, content)
    import hashlib

    assert run.user == personas.editor_a and run.created_at
    assert run.sha256 == hashlib.sha256(content).hexdigest() and run.size == len(content)
    assert ImportRun.objects.get().counts["new"] == 1


def test_it_uses_the_same_number_of_queries_for_20_and_400_rows(personas, registry):
    def queries(count: int) -> int:
        content = xlsx([row(title_it=f"R{n}", partner_cities="Köln", countries="DE", sdgs="3") for n in range(count)])
        with CaptureQueriesContext(connection) as context:
            check(personas.editor_a, content)
        return len(context.captured_queries)

    queries(20)  # the first import loads what is cached for the process
    assert queries(20) == queries(400)


def _commit_queries(user, rows: list[list]) -> list[str]:
    run = check(user, xlsx(rows))
    assert run.state == ImportState.CHECKED and not run.counts["errors"], run.report
    with CaptureQueriesContext(connection) as context:
        run = services.import_run_commit(user=user, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    return [query["sql"] for query in context.captured_queries]


def _rich_rows(prefix: str, count: int) -> list[list]:
    return [
        row(
            title_it=f"{prefix} {n}",
            departments="CULTURA",
            partner_cities="Köln: capofila",
            partner_organisations="ONU",
            countries="DE; FR",
            sdgs="3; 11",
            funding="Unione europea | FESR | € 1.234,56",
        )
        for n in range(count)
    ]


def test_it_commits_with_the_same_number_of_queries_for_20_and_400_rows(personas, registry):
    _commit_queries(personas.editor_a, _rich_rows("Prova", 5))  # loads what is cached for the process
    small = _commit_queries(personas.editor_a, _rich_rows("Piccolo", 20))
    large = _commit_queries(personas.editor_a, _rich_rows("Grande", 400))

    def others(queries):
        return [sql for sql in queries if not sql.startswith("INSERT")]

    assert len(others(small)) == len(others(large))
    if connection.vendor == "postgresql":
        assert len(small) == len(large)
    else:
        # Django 5.2's SQLite backend splits a bulk INSERT every 999
        # parameters (about 30 activities, 120 funding lines): 45 more
        # statements for 380 more rows here, against several per row before.
        assert len(large) - len(small) < 380 / 5
    assert Activity.objects.count() == 425
    assert sorted(Activity.objects.get(title_it="Grande 399").countries.values_list("iso2", flat=True)) == ["DE", "FR"]


def test_its_commit_queries_grow_by_chunk_not_by_row(personas, registry, monkeypatch):
    from relint.exchange import planning

    monkeypatch.setattr(planning, "CHUNK_ROWS", 10)
    _commit_queries(personas.editor_a, _rich_rows("Prova", 5))
    one = len(_commit_queries(personas.editor_a, _rich_rows("Uno", 10)))
    two = len(_commit_queries(personas.editor_a, _rich_rows("Due", 20)))
    four = len(_commit_queries(personas.editor_a, _rich_rows("Quattro", 40)))
    assert four - two == 2 * (two - one) > 0


def test_it_writes_the_history_of_imported_and_updated_records(personas, registry):
    services.import_run_commit(user=personas.editor_a, run=check(personas.editor_a, xlsx(_rich_rows("Storia", 1))))
    activity = Activity.objects.get()
    created = activity.history.get()
    assert (created.history_type, created.history_user) == ("+", personas.editor_a)
    assert created.title_it == "Storia 0" and created.version == 1
    # The many-to-many snapshot, as simple-history's signal writes it.
    assert sorted(created.countries.values_list("country_id", flat=True)) == ["DE", "FR"]
    assert sorted(created.sdgs.values_list("sustainabledevelopmentgoal_id", flat=True)) == [3, 11]
    link = activity.city_links.get()
    assert link.history.get().history_type == "+"
    line = activity.funding_lines.get()
    assert line.history.get().history_user == personas.editor_a

    exported = workbook.write_workbook(user=personas.editor_a, activities=Activity.objects.all())
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index("Titolo") + 1, "Storia, seconda versione")
    sheet.cell(2, header.index("Paesi") + 1, "ES")
    sheet.cell(2, header.index("Finanziamenti") + 1, "Bilancio comunale | | 500")
    buffer = io.BytesIO()
    book.save(buffer)
    run = check(personas.editor_a, buffer.getvalue(), "edited.xlsx")
    assert run.counts["changed"] == 1, run.report
    services.import_run_commit(user=personas.editor_a, run=run)
    activity.refresh_from_db()
    assert activity.version == 2
    changed = activity.history.order_by("-history_id").first()
    assert (changed.history_type, changed.title_it, changed.version) == ("~", "Storia, seconda versione", 2)
    assert list(changed.countries.values_list("country_id", flat=True)) == ["ES"]
    assert sorted(changed.sdgs.values_list("sustainabledevelopmentgoal_id", flat=True)) == [3, 11]
    # The old funding line was deleted, with its history; the city link is untouched.
    assert list(line.history.order_by("history_id").values_list("history_type", flat=True)) == ["+", "-"]
    assert [line.amount for line in activity.funding_lines.all()] == [Decimal("500.00")]
    assert activity.city_links.get().pk == link.pk and link.history.count() == 1


def test_a_refusal_by_the_database_rolls_the_commit_back_with_a_message(personas, registry, monkeypatch):
    from relint.activities import services as activity_services

    run = check(personas.editor_a, xlsx(_rich_rows("Rifiutata", 3)))
    # A rule no check foresaw: the database's unique uid, hit by two rows.
    original = activity_services.activity_bulk_import

    def same_uid(*, user, items):
        activities = original(user=user, items=items)
        Activity.objects.create(uid=activities[0].uid, year=2025, lead_department=personas.department_a, title_it="y")
        return activities

    monkeypatch.setattr(activity_services, "activity_bulk_import", same_uid)
    run = services.import_run_commit(user=personas.editor_a, run=run)
    assert run.state == ImportState.FAILED
    assert "database refused" in run.error
    assert not Activity.objects.exists()


# --- permissions --------------------------------------------------------------------
def test_it_lets_editors_import_only_into_their_own_department(personas):
    run = check(personas.editor_a, xlsx([row(lead_department="CULTURA")]))
    assert run.counts["errors"] == 1
    assert "only import activities of your own department" in errors_of(run)[0][2]


def test_it_lets_the_coordinator_import_into_any_department(personas):
    run = check(personas.coordinator, xlsx([row(lead_department="CULTURA"), row(lead_department="AMBIENTE")]))
    assert run.counts["new"] == 2


def test_it_refuses_updates_of_another_departments_activity(personas):
    services.import_run_commit(
        user=personas.editor_b, run=check(personas.editor_b, xlsx([row(lead_department="CULTURA")]))
    )
    exported = workbook.write_workbook(user=personas.coordinator, activities=Activity.objects.all())
    edited = _rewrite_part(exported, "xl/worksheets/sheet1.xml", lambda x: x)
    book = openpyxl.load_workbook(io.BytesIO(edited))
    book.worksheets[0]["E2"] = "Cambiata da A"
    buffer = io.BytesIO()
    book.save(buffer)
    run = check(personas.editor_a, buffer.getvalue())
    assert "another department" in errors_of(run)[0][2]


def test_it_refuses_the_viewer_in_the_service(personas):
    with pytest.raises(services.PermissionDenied):
        check(personas.viewer_a, xlsx([row()]))


def test_it_lets_only_the_uploader_commit(personas):
    run = check(personas.coordinator, xlsx([row()]))
    with pytest.raises(services.PermissionDenied):
        services.import_run_commit(user=personas.editor_a, run=run)


@pytest.mark.parametrize("name", ["exchange:upload", "exchange:template"])
def test_it_sends_anonymous_visitors_to_sign_in(client, personas, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


@pytest.mark.parametrize("name", ["exchange:upload", "exchange:template", "exchange:export"])
def test_it_refuses_the_viewer_the_import_pages(client, personas, name):
    client.force_login(personas.viewer_a)
    assert client.get(reverse(name)).status_code == 403


def test_it_refuses_get_on_commit_and_hides_others_runs(client, personas):
    run = check(personas.editor_a, xlsx([row()]))
    client.force_login(personas.editor_a)
    assert client.get(reverse("exchange:commit", args=[run.uid])).status_code == 405
    client.force_login(personas.editor_b)
    assert client.get(run.get_absolute_url()).status_code == 404
    assert client.post(reverse("exchange:commit", args=[run.uid])).status_code == 404
    client.force_login(personas.coordinator)  # the coordinator sees every run, commits none of them
    assert client.get(run.get_absolute_url()).status_code == 200
    assert client.post(reverse("exchange:commit", args=[run.uid])).status_code == 404
    assert not Activity.objects.exists()


def test_it_uploads_dry_runs_and_commits_through_the_pages(client, personas):
    client.force_login(personas.editor_a)
    assert client.get(reverse("exchange:upload")).status_code == 200
    upload = io.BytesIO(xlsx([row(title_it="Dal web")]))
    upload.name = "web.xlsx"
    response = client.post(reverse("exchange:upload"), {"file": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Dal web" in page and reverse("exchange:commit", args=[run.uid]) in page
    response = client.post(reverse("exchange:commit", args=[run.uid]), follow=True)
    assert Activity.objects.get().title_it == "Dal web"
    assert response.status_code == 200
    # a second commit of the same run is refused with a message
    client.post(reverse("exchange:commit", args=[run.uid]))
    assert Activity.objects.count() == 1


def test_it_exports_only_what_the_editor_may_see(client, personas):
    services.import_run_commit(user=personas.coordinator, run=check(personas.coordinator, xlsx(
        [row(title_it="di A"), row(title_it="di B", lead_department="CULTURA")])))  # fmt: skip
    client.force_login(personas.editor_a)
    response = client.get(reverse("exchange:export"), {"year": 2025, "language": "en"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS_EN
    assert [r[4] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["di A"]
    response = client.get(reverse("exchange:export"), {"department": personas.department_b.pk, "language": "it"})
    assert response.status_code == 400


def test_it_serves_a_template_with_drop_down_lists_and_instructions(client, personas):
    client.force_login(personas.editor_a)
    response = client.get(reverse("exchange:template"), {"language": "it"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Attività", "Istruzioni", "Elenchi"]
    validated = {str(v.sqref).split(":")[0] for v in book.worksheets[0].data_validations.dataValidation}
    # kinds, statuses, departments and SDGs have drop-down lists
    assert {"D2", "K2", "C2", "T2"} <= validated
    assert "Progetto europeo" in [c.value for c in book["Elenchi"]["A"]]


# --- the management command -----------------------------------------------------------
def test_the_command_dry_runs_and_imports(tmp_path, personas, capsys):
    path = tmp_path / "attivita.xlsx"
    path.write_bytes(xlsx([row(title_it="Da riga di comando")]))
    call_command("import_workbook", str(path), "--dry-run", "--user", "editor_a")
    assert not Activity.objects.exists()
    call_command("import_workbook", str(path), "--user", "editor_a")
    assert Activity.objects.get().title_it == "Da riga di comando"
    assert "1 new" in capsys.readouterr().out
    path.write_bytes(xlsx([row(end="30/02/2025", title_it="x")]))
    with pytest.raises(CommandError):
        call_command("import_workbook", str(path), "--user", "editor_a")


# --- the bad-input corpus ------------------------------------------------------------------
def _rewrite_part(content: bytes, part: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == part else data)
    return buffer.getvalue()


def _add_parts(content: bytes, parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def _bad_files() -> dict[str, tuple[str, bytes, str]]:
    good = xlsx([row()])
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(600):
            archive.writestr(f"xl/media/{n}.xml", b"<a/>")
    sheet_xxe = _rewrite_part(
        good,
        "xl/worksheets/sheet1.xml",
        lambda x: x.replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b"").replace(
            b"<worksheet", XXE + b"<worksheet", 1
        ),
    )
    return {
        "zip bomb": ("bomba.xlsx", bomb.getvalue(), "zip bomb"),
        "too many entries": ("tante.xlsx", many.getvalue(), "at most 500 are accepted"),
        "XXE": ("xxe.xlsx", sheet_xxe, "declares a DTD"),
        "billion laughs": (
            "lol.xlsx",
            _rewrite_part(good, "xl/workbook.xml", lambda x: LAUGHS + x[x.index(b"<workbook") :]),
            "declares a DTD",
        ),
        "macro workbook renamed": (
            "macro.xlsx",
            _add_parts(good, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}),
            "contains macros",
        ),
        "CSV renamed .xlsx": ("finto.xlsx", TEXT.encode(), "looks like text"),
        "0-byte file": ("vuoto.xlsx", b"", "empty"),
        "truncated archive": ("tronco.xlsx", good[: len(good) // 2], "damaged or truncated"),
        "not a spreadsheet": ("foto.png", b"\x89PNG....", "Upload an .xlsx"),
    }


@pytest.mark.parametrize("case", list(_bad_files()))
def test_the_bad_input_corpus_is_refused_clearly(personas, case):
    filename, content, message = _bad_files()[case]
    run = check(personas.coordinator, content, filename)
    assert run.state == ImportState.REFUSED
    assert message in run.error
    assert not Activity.objects.exists()


def test_the_bad_input_corpus_never_gives_a_500_on_the_upload_page(client, personas):
    client.force_login(personas.coordinator)
    for filename, content, message in _bad_files().values():
        upload = io.BytesIO(content)
        upload.name = filename
        response = client.post(reverse("exchange:upload"), {"file": upload}, follow=True)
        assert response.status_code in (200, 400), filename
        if content:  # Django's form refuses an empty upload itself
            assert message in response.content.decode().replace("&#x27;", "'"), filename
    assert not Activity.objects.exists()


def test_it_refuses_files_over_the_size_limit(personas, settings):
    settings.RELINT_IMPORT_MAX_UPLOAD_BYTES = 1000
    run = check(personas.editor_a, xlsx([row()]))
    assert run.state == ImportState.REFUSED and "the limit is 1.000 bytes" in run.error


def test_it_refuses_sheets_over_the_row_cap(personas, settings):
    settings.RELINT_IMPORT_MAX_ROWS = 10
    run = check(personas.editor_a, xlsx([row(title_it=f"R{n}") for n in range(11)]))
    assert run.state == ImportState.REFUSED and "more than 10 rows" in run.error
    assert check(personas.editor_a, xlsx([row(title_it=f"R{n}") for n in range(10)])).counts["new"] == 10


def test_it_names_a_cell_over_the_length_limit_and_nul_characters(personas):
    run = check(personas.editor_a, xlsx([row(description_it="x" * 10_001)]))
    assert errors_of(run) == [(2, "G (Descrizione)", "The cell holds 10001 characters; at most 10000 are accepted.")]
    csv_text = "Anno;Settore capofila;Tipologia;Titolo\n2025;AMBIENTE;Scambio;Tito\x00lo\n"
    run = check(personas.editor_a, csv_text.encode(), "nul.csv")
    assert errors_of(run) == [(2, "D (Titolo)", "The cell contains a NUL character.")]
    assert not Activity.objects.exists()


# --- concurrency ------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_the_same_file_never_interleave():
    from relint.core.testing import make_personas, restore_reference_data

    restore_reference_data()
    people = make_personas()
    content = xlsx([row(title_it=f"Concorrente {n}") for n in range(50)])
    runs = [check(people.editor_a, content) for _ in range(2)]
    results: list = []
    barrier = threading.Barrier(2)

    def commit(run):
        barrier.wait()
        try:
            results.append(services.import_run_commit(user=people.editor_a, run=run).state)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [ImportState.COMMITTED, ImportState.FAILED]
    assert Activity.objects.count() == 50  # one import's rows, none twice
    assert Activity.objects.filter(version=1).count() == 50


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_the_postgresql_lock_alone_serialises_two_commits_in_parallel():
    """The process lock bypassed (as if the commits came from two web
    workers): the advisory lock makes the second commit wait, so the rows of
    two files come one import after the other, and the same file twice is
    imported once."""
    from relint.core.testing import make_personas, restore_reference_data

    restore_reference_data()
    people = make_personas()
    first = check(people.editor_a, xlsx([row(title_it=f"Primo {n}") for n in range(300)]))
    second = check(people.editor_a, xlsx([row(title_it=f"Secondo {n}") for n in range(300)]))
    again = check(people.editor_a, xlsx([row(title_it=f"Primo {n}") for n in range(300)]))
    results: dict = {}
    barrier = threading.Barrier(3)

    def commit(name, run):
        barrier.wait()
        try:
            results[name] = services._commit(user=people.editor_a, run=run, progress=None).state
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=commit, args=(name, run))
        for name, run in (("first", first), ("second", second), ("again", again))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["second"] == ImportState.COMMITTED
    assert sorted([results["first"], results["again"]]) == [ImportState.COMMITTED, ImportState.FAILED]
    assert Activity.objects.count() == 600
    # Never interleaved: one file's activities all precede the other's.
    order = [title.split()[0] for title in Activity.objects.order_by("pk").values_list("title_it", flat=True)]
    assert order in (["Primo"] * 300 + ["Secondo"] * 300, ["Secondo"] * 300 + ["Primo"] * 300)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1234", "1234"), ("zero", "RELINT_IMPORT_MAX_ROWS='zero' is not an integer"), ("0", "must be at least 1")],
)
def test_the_import_limits_are_read_from_the_environment(value, expected):
    import os
    import subprocess
    import sys

    env = {**os.environ, "RELINT_IMPORT_MAX_ROWS": value, "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = "import django; django.setup(); from relint.exchange.reading import limit; print(limit('MAX_ROWS'))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert expected in done.stdout + done.stderr
