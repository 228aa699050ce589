"""Spreadsheet import of the partner registry (issue 6): the partner cities
sheet, one row per relation. Template and export, matching of cities in any
language, dry run with differences by sheet, row and column, the commit
together with the activities sheet (all or nothing), and the coordinator-only
rule."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from relint.activities.models import Activity
from relint.core.models import DatePrecision
from relint.exchange import services, workbook
from relint.exchange.columns import ACTIVITY_COLUMNS, RELATION_COLUMNS
from relint.exchange.models import ImportState
from relint.partners import services as partner_services
from relint.partners.models import CityRelation, PartnerCity, RatifyingBody, RelationKind, RelationState
from tests.conftest import axe_violations

HEADERS_IT = [column.header_it for column in RELATION_COLUMNS]
HEADERS_EN = [column.header_en for column in RELATION_COLUMNS]


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def registry(db):
    return {
        "koeln": PartnerCity.objects.create(
            name_it="Colonia", name_en="Cologne", name_local="Köln", country_id="DE", geonames_id=2886242
        ),
        "lyon": PartnerCity.objects.create(name_it="Lione", name_en="Lyon", country_id="FR"),
        "valencia_es": PartnerCity.objects.create(name_it="Valencia", country_id="ES"),
        "valencia_ve": PartnerCity.objects.create(name_it="Valencia", country_id="VE"),
    }


def rel(**cells) -> list:
    """A row of the partner cities sheet, in the template's column order."""
    base = {"city": "Köln", "kind": "Gemellaggio", "signed": "1958"}
    base.update(cells)
    return [base.get(column.key) for column in RELATION_COLUMNS]


def activity_row(**cells) -> list:
    base = {"year": 2025, "lead_department": "AMBIENTE", "kind": "Progetto europeo", "title_it": "Titolo"}
    base.update(cells)
    return [base.get(column.key) for column in ACTIVITY_COLUMNS]


def book(*sheets: tuple[str, list, list[list]]) -> bytes:
    """A workbook of (title, headers, rows) sheets."""
    workbook_ = openpyxl.Workbook()
    workbook_.remove(workbook_.active)
    for title, headers, rows in sheets:
        sheet = workbook_.create_sheet(title)
        sheet.append(headers)
        for cells in rows:
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook_.save(buffer)
    return buffer.getvalue()


def cities_book(rows: list[list], headers=HEADERS_IT, title="Città partner") -> bytes:
    return book((title, headers, rows))


def check(user, content: bytes):
    return services.import_run_check(user=user, content=content, filename="partner.xlsx")


def commit(user, content: bytes):
    run = check(user, content)
    assert run.state == ImportState.CHECKED and not run.counts["errors"], run.report.get("rows")
    return services.import_run_commit(user=user, run=run)


def errors_of(run) -> list[tuple[int, str, str]]:
    return [
        (r["row"], problem["column"], problem["message"])
        for r in run.report.get("rows", [])
        if r["action"] == "error"
        for problem in r["errors"]
    ]


def relations() -> list:
    return list(
        CityRelation.objects.order_by("pk").values_list(
            "pk", "city_id", "kind", "state", "signed_on", "signed_precision", "ratified_by", "ended_on", "notes"
        )
    )


# --- dry run and commit -----------------------------------------------------------------
def test_it_dry_runs_then_commits_new_relations_matching_cities_in_any_language(personas, registry):
    content = cities_book(
        [
            rel(city="Koln", kind="Gemellaggio", signed="1958", ratified_by="Consiglio", ratified_on="12/05/1958"),
            rel(city="Cologne", kind="Patto di amicizia", signed="03/2004", state="Inattivo"),
            rel(city="Lyon (FR)", kind="cooperation", signed="2006-10-07", deliberation_ref="mecc. 2006 07310/001"),
            rel(city="Valencia", country="ES", kind="Protocollo d'intesa", signed=None),
        ]
    )
    run = check(personas.coordinator, content)
    assert errors_of(run) == []
    assert run.counts == {"rows": 4, "new": 4, "changed": 0, "unchanged": 0, "errors": 0}
    assert not CityRelation.objects.exists()  # a dry run writes nothing
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    koeln, lyon, valencia = registry["koeln"], registry["lyon"], registry["valencia_es"]
    twinning = CityRelation.objects.get(city=koeln, kind=RelationKind.TWINNING)
    assert (twinning.signed_on, twinning.signed_precision) == (dt.date(1958, 1, 1), DatePrecision.YEAR)
    assert (twinning.ratified_by, twinning.ratified_on) == (RatifyingBody.CONSIGLIO, dt.date(1958, 5, 12))
    friendship = CityRelation.objects.get(city=koeln, kind=RelationKind.FRIENDSHIP)
    assert (friendship.signed_on, friendship.signed_precision) == (dt.date(2004, 3, 1), DatePrecision.MONTH)
    assert friendship.state == RelationState.DORMANT
    cooperation = CityRelation.objects.get(city=lyon)
    assert cooperation.kind == RelationKind.COOPERATION and cooperation.deliberation_ref == "mecc. 2006 07310/001"
    assert CityRelation.objects.get(city=valencia).kind == RelationKind.PROTOCOL
    # The history names the importer, as the registry's form does.
    assert twinning.history.get().history_user == personas.coordinator


def test_importing_the_same_file_twice_changes_nothing_the_second_time(personas, registry):
    content = cities_book([rel(), rel(city="Lione (FR)", kind="Patto di amicizia", signed="15/06/2001")])
    commit(personas.coordinator, content)
    before = relations()
    history = CityRelation.history.count()
    run = check(personas.coordinator, content)
    assert run.counts == {"rows": 2, "new": 0, "changed": 0, "unchanged": 2, "errors": 0}
    assert run.content is None and not run.can_commit  # nothing to commit
    assert relations() == before and CityRelation.history.count() == history


def test_it_round_trips_the_export_and_shows_field_by_field_differences(client, personas, registry):
    twinning = CityRelation.objects.create(
        city=registry["koeln"], kind=RelationKind.TWINNING, signed_on=dt.date(1958, 1, 1), signed_precision="year"
    )
    CityRelation.objects.create(city=registry["lyon"], kind=RelationKind.FRIENDSHIP, notes="Rinnovato nel 2019")
    client.force_login(personas.coordinator)
    response = client.get(reverse("exchange:export"), {"language": "it"})
    assert response.status_code == 200
    exported = openpyxl.load_workbook(io.BytesIO(response.content))
    assert exported.sheetnames == ["Attività", "Città partner", "Organizzazioni", "Accordi", "Istruzioni", "Elenchi"]
    sheet = exported["Città partner"]
    assert [c.value for c in sheet[1]] == HEADERS_IT
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [r[:3] for r in rows] == [[twinning.pk, "Colonia (DE)", "DE"], [twinning.pk + 1, "Lione (FR)", "FR"]]
    assert rows[0][5] == "1958"
    # The export imported unchanged changes nothing.
    run = check(personas.coordinator, response.content)
    assert errors_of(run) == [] and run.counts["unchanged"] == 2 and run.counts["rows"] == 2
    # Edited: the twinning ended; a new row for Valencia.
    state = RELATION_COLUMNS.index(next(c for c in RELATION_COLUMNS if c.key == "state"))
    ended = RELATION_COLUMNS.index(next(c for c in RELATION_COLUMNS if c.key == "ended_on"))
    sheet.cell(row=2, column=state + 1, value="Terminata")
    sheet.cell(row=2, column=ended + 1, value="31/12/2020")
    sheet.append(rel(city="Valencia (ES)", kind="Gemellaggio", signed="2010"))
    buffer = io.BytesIO()
    exported.save(buffer)
    run = check(personas.coordinator, buffer.getvalue())
    assert run.counts == {"rows": 3, "new": 1, "changed": 1, "unchanged": 1, "errors": 0}
    changed = next(r for r in run.report["rows"] if r["action"] == "changed")
    assert (changed["sheet"], changed["row"], changed["uid"]) == ("Città partner", 2, str(twinning.pk))
    assert changed["diffs"] == [
        {"field": "Stato della relazione", "field_en": "Relation state", "old": "Active", "new": "Ended"},
        {"field": "Terminata il", "field_en": "Ended on", "old": "", "new": "31/12/2020"},
    ]
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    twinning.refresh_from_db()
    assert (twinning.state, twinning.ended_on) == (RelationState.ENDED, dt.date(2020, 12, 31))
    assert CityRelation.objects.filter(city=registry["valencia_es"]).count() == 1
    assert CityRelation.objects.count() == 3


def test_a_row_without_id_updates_the_relation_of_the_same_city_kind_and_signing_date(personas, registry):
    relation = CityRelation.objects.create(
        city=registry["koeln"], kind=RelationKind.TWINNING, signed_on=dt.date(1958, 1, 1), signed_precision="year"
    )
    run = check(personas.coordinator, cities_book([rel(notes="Rinnovato")]))
    assert run.counts["changed"] == 1 and run.report["rows"][0]["uid"] == str(relation.pk)
    services.import_run_commit(user=personas.coordinator, run=run)
    relation.refresh_from_db()
    assert relation.notes == "Rinnovato" and CityRelation.objects.count() == 1


def test_it_accepts_english_headers_and_labels(personas, registry):
    content = cities_book(
        [rel(city="Cologne (DE)", kind="Friendship pact", state="Dormant", signed="2004")],
        headers=HEADERS_EN,
        title="Partner cities",
    )
    commit(personas.coordinator, content)
    assert CityRelation.objects.get().kind == RelationKind.FRIENDSHIP


def test_the_dry_run_and_the_commit_cost_a_few_queries_per_relation(personas, registry):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = [f"Città {n}" for n in range(40)]
    PartnerCity.objects.bulk_create(PartnerCity(name_it=name, country_id="FR") for name in names)

    def costs(rows: list[str]) -> tuple[int, int]:
        content = cities_book([rel(city=f"{name} (FR)") for name in rows])
        with CaptureQueriesContext(connection) as dry:
            run = check(personas.coordinator, content)
        with CaptureQueriesContext(connection) as written:
            run = services.import_run_commit(user=personas.coordinator, run=run)
        assert run.state == ImportState.COMMITTED, run.error
        return len(dry), len(written)

    dry_10, commit_10 = costs(names[:10])
    dry_40, commit_40 = costs(names[10:])
    # The dry run checks the relation's three rules with the database (two of
    # them Django reduces to a constant; inside a transaction, as here, each
    # check sits in a savepoint): about 6 statements a row, where
    # `full_clean` and its eleven constraints took more than 20. The commit
    # plans again, checks again, then inserts each relation and its history
    # row: about 13 a row.
    assert dry_40 - dry_10 <= 30 * 7
    assert commit_40 - commit_10 <= 30 * 15


# --- never guessed: unknown and ambiguous names -------------------------------------------
def test_it_never_guesses_an_ambiguous_or_unknown_city(personas, registry):
    run = check(personas.coordinator, cities_book([rel(city="Valencia"), rel(city="Lionne"), rel(city="Parigi")]))
    assert run.counts["errors"] == 3 and run.content is None
    problems = {number: message for number, _column, message in errors_of(run)}
    assert "ambiguous" in problems[2] and "Valencia (ES)" in problems[2] and "Valencia (VE)" in problems[2]
    assert "did you mean: Lione (FR)" in problems[3]
    assert "not found" in problems[4] and "Add the city to the registry first" in problems[4]
    assert {column for _n, column, _m in errors_of(run)} == {"B (Città)"}
    assert not CityRelation.objects.exists()


def test_the_country_column_narrows_the_city_and_must_agree(personas, registry):
    run = check(personas.coordinator, cities_book([rel(city="Valencia", country="VE"), rel(city="Köln (FR)")]))
    assert run.counts["new"] == 1 and run.counts["errors"] == 1
    run = check(personas.coordinator, cities_book([rel(city="Colonia (DE)", country="FR")]))
    assert "the country column says FR" in errors_of(run)[0][2]


# --- bad values, named by row and column ----------------------------------------------------
def test_it_names_row_and_column_of_each_bad_value_and_writes_nothing(personas, registry):
    content = cities_book(
        [
            rel(signed="30/02/1958"),
            rel(kind="Gemellaggio stretto"),
            rel(city="Lione (FR)", ratified_on="12/05/1960"),  # a date without the body
            rel(city="Valencia (ES)", state="Terminata"),  # ended, with neither date nor note
            rel(city="Valencia (VE)", ended_on="2020"),  # only the year of an end date
            rel(city="Lione (FR)", kind="Patto di amicizia", signed="1960", ended_on="1959-01-01"),
            rel(id="abc"),
            rel(id="999999"),
            rel(city=None),
        ]
    )
    run = check(personas.coordinator, content)
    found = errors_of(run)
    assert run.counts["errors"] == 9 and run.counts["new"] == 0
    assert (2, "F (Firmata il)", "30/02/1958 is not a date of the calendar.") in found
    assert any(n == 3 and c == "D (Tipo di relazione)" and "not found" in m for n, c, m in found)
    assert any(n == 4 and "ratification date needs the ratifying body" in m for n, _c, m in found)
    assert any(n == 5 and "ended relation needs its end date" in m for n, _c, m in found)
    assert (6, "J (Terminata il)", "Write the whole date, day included (31/12/2025).") in found
    assert any(n == 7 and "cannot end before it was signed" in m for n, _c, m in found)
    assert any(n == 8 and c == "A (id)" and "not an id written by relint" in m for n, c, m in found)
    assert any(n == 9 and c == "A (id)" and "No relation has this id" in m for n, c, m in found)
    assert (10, "B (Città)", "This cell is required.") in found
    assert not CityRelation.objects.exists()


def test_it_flags_duplicate_rows_within_the_sheet(personas, registry):
    relation = CityRelation.objects.create(city=registry["lyon"], kind=RelationKind.TWINNING)
    run = check(
        personas.coordinator,
        cities_book(
            [
                rel(),
                rel(city="Cologne"),
                rel(id=relation.pk, city="Lione (FR)", signed=None),
                rel(id=relation.pk, city="Lione (FR)", signed=None, notes="x"),
            ]
        ),
    )
    found = errors_of(run)
    assert (3, "B (Città)", "Duplicate row: row 2 has the same city, kind and signing date.") in found
    assert (5, "A (id)", "Duplicate row: the same id as row 4.") in found
    assert run.counts["errors"] == 2


def test_a_row_repeated_in_a_second_partner_sheet_is_a_duplicate_too(personas, registry):
    run = check(
        personas.coordinator,
        book(("Città partner", HEADERS_IT, [rel()]), ("Partner cities", HEADERS_EN, [rel(city="Cologne (DE)")])),
    )
    message = "Duplicate row: row 2 of sheet “Città partner” has the same city, kind and signing date."
    assert errors_of(run) == [(2, "B (Città)", message)]
    assert [r["sheet"] for r in run.report["rows"] if r["action"] == "error"] == ["Partner cities"]
    assert run.counts["new"] == 1


def test_the_city_of_an_existing_relation_cannot_be_changed(personas, registry):
    relation = CityRelation.objects.create(city=registry["lyon"], kind=RelationKind.TWINNING)
    run = check(personas.coordinator, cities_book([rel(id=relation.pk, city="Colonia", signed=None)]))
    assert "cannot be changed" in errors_of(run)[0][2]


def test_a_missing_required_column_is_named(personas, registry):
    headers = [h for h in HEADERS_IT if h != "Tipo di relazione"]
    run = check(personas.coordinator, cities_book([["", "Köln"]], headers=headers))
    assert any("Required column missing: “Tipo di relazione”" in m for _n, _c, m in errors_of(run))


# --- all or nothing, with the other sheets of the workbook -----------------------------------
def test_it_commits_the_activities_and_the_partner_cities_sheets_together(personas, registry):
    content = book(
        ("Attività", [c.header_it for c in ACTIVITY_COLUMNS], [activity_row(title_it="Con Colonia")]),
        ("Città partner", HEADERS_IT, [rel()]),
    )
    run = commit(personas.coordinator, content)
    assert run.state == ImportState.COMMITTED and run.counts["new"] == 2
    assert Activity.objects.filter(title_it="Con Colonia").exists() and CityRelation.objects.count() == 1


def test_a_failure_in_the_partner_sheet_rolls_back_the_activities_sheet_too(personas, registry, monkeypatch):
    content = book(
        ("Attività", [c.header_it for c in ACTIVITY_COLUMNS], [activity_row(title_it="Mai importata")]),
        ("Città partner", HEADERS_IT, [rel(), rel(city="Lione (FR)")]),
    )
    run = check(personas.coordinator, content)
    assert run.counts["new"] == 3
    original = partner_services.city_relation_bulk_import

    def refuse_the_second(*, user, items):
        # The first relation is written, then a rule the dry run did not foresee refuses the second.
        original(user=user, items=items[:1])
        raise partner_services.PartnerImportError(1, partner_services.ValidationError("refused by a later rule"))

    monkeypatch.setattr(partner_services, "city_relation_bulk_import", refuse_the_second)
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.FAILED
    assert "row 3" in run.error and "refused by a later rule" in run.error
    assert not Activity.objects.filter(title_it="Mai importata").exists()
    assert not CityRelation.objects.exists()


def test_a_relation_changed_after_the_dry_run_refuses_the_commit(personas, registry):
    relation = CityRelation.objects.create(city=registry["lyon"], kind=RelationKind.TWINNING)
    run = check(personas.coordinator, cities_book([rel(id=relation.pk, city="Lione", signed=None, notes="A")]))
    assert run.counts["changed"] == 1
    CityRelation.objects.filter(pk=relation.pk).update(notes="B")  # someone else meanwhile
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.FAILED and "The data changed since the dry run" in run.error
    relation.refresh_from_db()
    assert relation.notes == "B"


def test_an_imported_change_raises_the_relations_version(personas, registry):
    """So that a workspace form opened before the import gets its conflict
    page instead of overwriting the imported values."""
    from relint.core.conflicts import EditConflictError

    relation = CityRelation.objects.create(city=registry["lyon"], kind=RelationKind.TWINNING)
    run = check(personas.coordinator, cities_book([rel(id=relation.pk, city="Lione", signed=None, notes="A")]))
    services.import_run_commit(user=personas.coordinator, run=run)
    relation.refresh_from_db()
    assert (relation.notes, relation.version) == ("A", 2)
    with pytest.raises(EditConflictError):
        partner_services.city_relation_update(
            user=personas.coordinator, relation=relation, fields={"notes": "B"}, expected_version=1
        )


def test_the_bulk_service_refuses_a_relation_whose_version_moved(personas, registry):
    relation = CityRelation.objects.create(city=registry["lyon"], kind=RelationKind.TWINNING)
    stale = CityRelation.objects.get(pk=relation.pk)
    CityRelation.objects.filter(pk=relation.pk).update(notes="B", version=2)  # a workspace edit meanwhile
    with pytest.raises(partner_services.PartnerImportError) as error:
        partner_services.city_relation_bulk_import(
            user=personas.coordinator, items=[partner_services.ImportedRelation(fields={"notes": "A"}, relation=stale)]
        )
    assert error.value.index == 0
    relation.refresh_from_db()
    assert (relation.notes, relation.version) == ("B", 2)


# --- who may import partner sheets ---------------------------------------------------------
def test_a_department_editors_workbook_with_a_partner_sheet_is_refused_whole(personas, registry):
    content = book(
        ("Attività", [c.header_it for c in ACTIVITY_COLUMNS], [activity_row(title_it="Dell'editor")]),
        ("Città partner", HEADERS_IT, [rel()]),
    )
    run = check(personas.editor_a, content)
    assert run.state == ImportState.REFUSED
    assert run.error == (
        "Only the coordinator imports the partner registry: remove the sheet “Città partner” and upload the file again."
    )
    assert run.content is None
    assert not Activity.objects.exists() and not CityRelation.objects.exists()


def test_an_editor_may_upload_the_coordinators_template_whose_partner_sheet_is_empty(personas, registry):
    template = openpyxl.load_workbook(
        io.BytesIO(workbook.write_workbook(user=personas.coordinator, activities=None, language="it"))
    )
    assert "Città partner" in template.sheetnames
    template["Attività"].append(activity_row(title_it="Dal modello del coordinamento"))
    buffer = io.BytesIO()
    template.save(buffer)
    run = check(personas.editor_a, buffer.getvalue())
    assert run.state == ImportState.CHECKED and run.counts["new"] == 1
    assert "Sheet “Città partner” has no rows: it was not read." in run.report["warnings"]


def test_the_bulk_service_refuses_anyone_but_the_coordinator(personas, registry):
    item = partner_services.ImportedRelation(fields={"kind": RelationKind.TWINNING}, city=registry["lyon"])
    with pytest.raises(partner_services.PermissionDenied):
        partner_services.city_relation_bulk_import(user=personas.editor_a, items=[item])
    assert not CityRelation.objects.exists()


# --- the template ---------------------------------------------------------------------------
def test_the_coordinators_template_has_the_partner_cities_sheet_with_drop_down_lists(client, personas):
    client.force_login(personas.coordinator)
    response = client.get(reverse("exchange:template"), {"language": "en"})
    template = openpyxl.load_workbook(io.BytesIO(response.content))
    assert template.sheetnames == [
        "Activities",
        "Partner cities",
        "Organisations",
        "Agreements",
        "Instructions",
        "Lists",
    ]
    sheet = template["Partner cities"]
    assert [c.value for c in sheet[1]] == HEADERS_EN and sheet.max_row == 1
    validated = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert {"D2", "E2", "G2"} <= set(validated)  # kind, state, ratified by
    lists = template["Lists"]
    column = next(cell.column_letter for cell in lists[1] if cell.value == "Relation kinds")
    assert validated["D2"].formula1 == f"='Lists'!${column}$2:${column}$5"
    assert [lists[f"{column}{n}"].value for n in range(2, 6)] == [str(label) for _v, label in RelationKind.choices]
    instructions = [c.value for c in template["Instructions"]["A"]]
    assert "Relation kind" in instructions


def test_an_editors_template_has_no_partner_sheet(personas):
    content = workbook.write_workbook(user=personas.editor_a, activities=None, language="it")
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Attività", "Istruzioni", "Elenchi"]


# --- the pages ------------------------------------------------------------------------------
def test_the_dry_run_page_shows_the_relations_field_by_field_and_commits(client, personas, registry):
    relation = CityRelation.objects.create(
        city=registry["koeln"], kind=RelationKind.TWINNING, signed_on=dt.date(1958, 1, 1), signed_precision="year"
    )
    client.force_login(personas.coordinator)
    upload = io.BytesIO(cities_book([rel(notes="Rinnovato nel 2008"), rel(city="Lione", signed="2001")]))
    upload.name = "citta.xlsx"
    response = client.post(reverse("exchange:upload"), {"file": upload})
    run = services.ImportRun.objects.get()
    assert response.status_code == 302
    with translation.override("it"):
        page = client.get(run.get_absolute_url()).content.decode()
    assert "Voci modificate" in page and "Nuove voci" in page
    assert "Colonia (DE) – Twinning" in page and "riconosciuta per città, tipo e data di firma" in page
    assert "Rinnovato nel 2008" in page and "Lione (FR) – Twinning" in page
    client.post(reverse("exchange:commit", args=[run.uid]))
    relation.refresh_from_db()
    assert relation.notes == "Rinnovato nel 2008" and CityRelation.objects.count() == 2


@pytest.mark.browser
def test_the_partner_dry_run_page_passes_axe(live_personas, new_page, tmp_path):
    from relint.core.testing import PASSWORD

    koeln = PartnerCity.objects.create(name_it="Colonia", name_local="Köln", country_id="DE")
    CityRelation.objects.create(
        city=koeln, kind=RelationKind.TWINNING, signed_on=dt.date(1958, 1, 1), signed_precision="year"
    )
    path = tmp_path / "citta.xlsx"
    path.write_bytes(cities_book([rel(notes="Rinnovato"), rel(signed="30/02/2001")]))
    page = new_page()
    page.goto("/it/account/login/")
    page.get_by_label("Nome utente").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/it/workspace/")
    page.goto("/it/workspace/import/")
    page.get_by_label("Cartella di lavoro o file CSV").set_input_files(str(path))
    page.get_by_role("button", name="Verifica il file (prova)").click()
    page.wait_for_selector("#changed-heading")
    assert "Colonia (DE) – Gemellaggio" in page.content()
    assert axe_violations(page) == []


def test_the_command_line_imports_the_partner_sheet_and_refuses_an_editor(personas, registry, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "citta.xlsx"
    path.write_bytes(cities_book([rel(), rel(city="Lione (FR)")]))
    with pytest.raises(CommandError, match="Only the coordinator imports the partner registry"):
        call_command("import_workbook", str(path), "--user", "editor_a")
    assert not CityRelation.objects.exists()
    call_command("import_workbook", str(path), "--user", "coordinator")
    assert CityRelation.objects.count() == 2
    assert "2 rows…" in capsys.readouterr().err  # progress, partner rows included


def test_the_english_export_round_trips_unchanged(client, personas, registry):
    CityRelation.objects.create(
        city=registry["valencia_ve"],
        kind=RelationKind.PROTOCOL,
        state=RelationState.ENDED,
        signed_on=dt.date(2011, 3, 1),
        signed_precision="month",
        ratified_by=RatifyingBody.GIUNTA,
        ratified_on=dt.date(2011, 4, 2),
        ended_on=dt.date(2015, 1, 31),
        deliberation_ref="0042",
    )
    client.force_login(personas.coordinator)
    response = client.get(reverse("exchange:export"), {"language": "en"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Partner cities"]
    assert list(next(sheet.iter_rows(min_row=2, values_only=True)))[1:] == [
        "Valencia (VE)",
        "VE",
        "Protocol of understanding",
        "Ended",
        "03/2011",
        "City Executive (Giunta)",
        "02/04/2011",
        "0042",
        "31/01/2015",
        None,
        None,
    ]
    run = check(personas.coordinator, response.content)
    assert errors_of(run) == [] and run.counts == {"rows": 1, "new": 0, "changed": 0, "unchanged": 1, "errors": 0}
