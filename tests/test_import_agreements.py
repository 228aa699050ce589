"""Spreadsheet import of the agreements sheet (issue 6): one row per
agreement with its parties, the relation's agreement in the partner cities
sheet, template and export, the date rules, duplicates, the coordinator-only
rule and the all-or-nothing commit."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from relint.core.models import DatePrecision
from relint.departments.models import Department
from relint.exchange import services, workbook
from relint.exchange.columns import AGREEMENT_COLUMNS, RELATION_COLUMNS
from relint.exchange.models import ImportState
from relint.partners import services as partner_services
from relint.partners.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    CityRelation,
    Organisation,
    OrganisationKind,
    PartnerCity,
    RelationKind,
)

HEADERS_IT = [column.header_it for column in AGREEMENT_COLUMNS]
HEADERS_EN = [column.header_en for column in AGREEMENT_COLUMNS]
RELATION_HEADERS_IT = [column.header_it for column in RELATION_COLUMNS]
KEYS = [column.key for column in AGREEMENT_COLUMNS]


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
        "torino": PartnerCity.objects.create(name_it="Torino", name_en="Turin", country_id="IT"),
        "cop": Organisation.objects.create(
            name="Comitato delle ONG piemontesi", acronym="COP", kind=OrganisationKind.COMMITTEE
        ),
        "unito": Organisation.objects.create(name="Università di Torino", acronym="UniTo", kind="university"),
    }


def row(**cells) -> list:
    """A row of the agreements sheet, in the template's column order."""
    base = {"kind": "Convenzione", "title_it": "Convenzione con il COP", "signed": "15/03/2004"}
    base.update(cells)
    return [base.get(key) for key in KEYS]


def relation_row(**cells) -> list:
    base = {"city": "Köln", "kind": "Gemellaggio", "signed": "1958"}
    base.update(cells)
    return [base.get(column.key) for column in RELATION_COLUMNS]


def book(*sheets: tuple[str, list, list[list]]) -> bytes:
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


def agreements_book(rows: list[list], headers=HEADERS_IT, title="Accordi") -> bytes:
    return book((title, headers, rows))


def check(user, content: bytes):
    return services.import_run_check(user=user, content=content, filename="accordi.xlsx")


def commit(user, content: bytes):
    run = check(user, content)
    assert run.state == ImportState.CHECKED and not run.counts["errors"], run.report.get("rows")
    run = services.import_run_commit(user=user, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    return run


def errors_of(run) -> list[tuple[int, str, str]]:
    return [
        (r["row"], problem["column"], problem["message"])
        for r in run.report.get("rows", [])
        if r["action"] == "error"
        for problem in r["errors"]
    ]


def history_rows() -> int:
    return Agreement.history.count() + AgreementParty.history.count()


def make_agreement(**fields) -> Agreement:
    base = {"kind": AgreementKind.CONVENTION, "title_it": "Convenzione con il COP", "signed_on": dt.date(2004, 3, 15)}
    base.update(fields)
    return Agreement.objects.create(**base)


def export(client, user, language="it") -> openpyxl.Workbook:
    client.force_login(user)
    response = client.get(reverse("exchange:export"), {"language": language})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def saved(workbook_: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook_.save(buffer)
    return buffer.getvalue()


def column_of(key: str) -> int:
    return KEYS.index(key) + 1


# --- dry run and commit ------------------------------------------------------------------
def test_it_dry_runs_then_commits_new_agreements_with_their_parties(personas, registry):
    content = agreements_book(
        [
            row(
                kind="convenzione",
                signed="2004",
                valid_from="01/04/2004",
                valid_until="31/03/2007",
                deliberation_ref="mecc. 2004 01234/049",
                deliberation_on="2004-02-10",
                lead_department="COOP-PACE",
                organisation_parties="COP: Presidente",
                summary_it="Cittadella delle Civiltà",
            ),
            row(
                kind="MoU",
                title_it="Memorandum con Colonia e Lione",
                signed="06/2010",
                city_parties="Cologne (DE): Oberbürgermeister; Lyon",
                organisation_parties="Università di Torino",
            ),
        ]
    )
    run = check(personas.coordinator, content)
    assert errors_of(run) == []
    assert run.counts == {"rows": 2, "new": 2, "changed": 0, "unchanged": 0, "errors": 0}
    assert not Agreement.objects.exists()  # a dry run writes nothing
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    convention = Agreement.objects.get(kind=AgreementKind.CONVENTION)
    assert (convention.signed_on, convention.signed_precision) == (dt.date(2004, 1, 1), DatePrecision.YEAR)
    assert (convention.valid_from, convention.valid_until) == (dt.date(2004, 4, 1), dt.date(2007, 3, 31))
    assert convention.deliberation_on == dt.date(2004, 2, 10)
    assert convention.lead_department == Department.objects.get(code="COOP-PACE")
    assert [(p.organisation, p.signatory) for p in convention.parties.all()] == [(registry["cop"], "Presidente")]
    memorandum = Agreement.objects.get(kind=AgreementKind.MEMORANDUM)
    assert (memorandum.signed_on, memorandum.signed_precision) == (dt.date(2010, 6, 1), DatePrecision.MONTH)
    assert {(p.city, p.organisation, p.signatory) for p in memorandum.parties.all()} == {
        (registry["koeln"], None, "Oberbürgermeister"),
        (registry["lyon"], None, ""),
        (None, registry["unito"], ""),
    }
    # The history names the importer, for the agreements and their parties.
    assert convention.history.get().history_user == personas.coordinator
    assert {h.history_user for h in AgreementParty.history.all()} == {personas.coordinator}
    assert AgreementParty.history.count() == 4
    assert convention.version == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(personas, registry):
    content = agreements_book([row(organisation_parties="COP"), row(title_it="Altro", city_parties="Lione (FR)")])
    commit(personas.coordinator, content)
    history = history_rows()
    versions = list(Agreement.objects.values_list("pk", "version"))
    run = check(personas.coordinator, content)
    assert run.counts == {"rows": 2, "new": 0, "changed": 0, "unchanged": 2, "errors": 0}
    assert run.content is None and not run.can_commit
    assert history_rows() == history and list(Agreement.objects.values_list("pk", "version")) == versions


def test_the_export_imported_unchanged_is_all_unchanged_with_no_history_row(client, personas, registry):
    convention = make_agreement(
        signed_on=dt.date(2004, 1, 1),
        signed_precision="year",
        valid_from=dt.date(2004, 4, 1),
        deliberation_ref="=mecc. 2004",  # text a spreadsheet would take for a formula
        lead_department=Department.objects.get(code="COOP-PACE"),
        summary_en="Cittadella",
    )
    AgreementParty.objects.create(agreement=convention, organisation=registry["cop"], signatory="Presidente")
    AgreementParty.objects.create(agreement=convention, city=registry["koeln"])
    make_agreement(kind=AgreementKind.MEMORANDUM, title_it="Senza data", signed_on=None, notes="Da verificare")
    history = history_rows()
    exported = export(client, personas.coordinator)
    assert exported.sheetnames == ["Attività", "Città partner", "Organizzazioni", "Accordi", "Istruzioni", "Elenchi"]
    sheet = exported["Accordi"]
    assert [c.value for c in sheet[1]] == HEADERS_IT
    rows = {r[2]: dict(zip(KEYS, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    cop = rows["Convenzione con il COP"]
    assert cop["uid"] == str(convention.uid) and cop["kind"] == "Convenzione" and cop["signed"] == "2004"
    assert (cop["valid_from"], cop["lead_department"], cop["deliberation_ref"]) == (
        "01/04/2004",
        "COOP-PACE",
        "=mecc. 2004",
    )
    assert (cop["city_parties"], cop["organisation_parties"]) == (
        "Colonia (DE)",
        "Comitato delle ONG piemontesi: Presidente",
    )
    run = check(personas.coordinator, saved(exported))
    # The two agreements, and the registry's two organisations.
    assert errors_of(run) == [] and run.counts["rows"] == 4 and run.counts["unchanged"] == 4
    assert run.content is None and history_rows() == history
    # The English export too.
    run = check(personas.coordinator, saved(export(client, personas.coordinator, language="en")))
    assert errors_of(run) == [] and run.counts["unchanged"] == 4 and run.counts["rows"] == 4


def test_it_shows_field_by_field_differences_and_writes_them_with_history(client, personas, registry):
    convention = make_agreement()
    AgreementParty.objects.create(agreement=convention, organisation=registry["cop"], signatory="Presidente")
    AgreementParty.objects.create(agreement=convention, city=registry["koeln"])
    exported = export(client, personas.coordinator)
    sheet = exported["Accordi"]
    sheet.cell(row=2, column=column_of("title_en"), value="Convention with COP")
    sheet.cell(row=2, column=column_of("valid_until"), value="31/12/2030")
    # Cologne's signatory changes, Lyon is added; COP is removed (the column lists them all).
    sheet.cell(row=2, column=column_of("city_parties"), value="Colonia (DE): Sindaco; Lione: Maire")
    sheet.cell(row=2, column=column_of("organisation_parties")).value = None
    run = check(personas.coordinator, saved(exported))
    # The export's organisations sheet lists the registry's two, unchanged.
    assert run.counts == {"rows": 3, "new": 0, "changed": 1, "unchanged": 2, "errors": 0}
    changed = run.report["rows"][0]
    assert (changed["sheet"], changed["row"], changed["uid"], changed["match"]) == (
        "Accordi",
        2,
        str(convention.uid),
        "uid",
    )
    assert changed["diffs"] == [
        {"field": "Titolo (inglese)", "field_en": "Title (English)", "old": "", "new": "Convention with COP"},
        {"field": "In vigore fino al", "field_en": "In force until", "old": "", "new": "31/12/2030"},
        {
            "field": "Città firmatarie",
            "field_en": "Partner city parties",
            "old": "Colonia (DE)",
            "new": "Colonia (DE): Sindaco; Lione (FR): Maire",
        },
        {
            "field": "Organizzazioni firmatarie",
            "field_en": "Organisation parties",
            "old": "Comitato delle ONG piemontesi: Presidente",
            "new": "",
        },
    ]
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    convention.refresh_from_db()
    assert (convention.title_en, convention.valid_until, convention.version) == (
        "Convention with COP",
        dt.date(2030, 12, 31),
        2,
    )
    assert {(p.city_id, p.organisation_id, p.signatory) for p in convention.parties.all()} == {
        (registry["koeln"].pk, None, "Sindaco"),
        (registry["lyon"].pk, None, "Maire"),
    }
    kinds = sorted(
        (h.history_type, h.city_id or h.organisation_id, h.history_user_id) for h in AgreementParty.history.all()
    )
    user = personas.coordinator.pk
    assert [k for k in kinds if k[0] != "+" or k[1] == registry["lyon"].pk] == sorted(
        [("+", registry["lyon"].pk, user), ("-", registry["cop"].pk, user), ("~", registry["koeln"].pk, user)]
    )
    assert convention.history.first().history_user == personas.coordinator


def test_a_row_without_uid_matches_by_kind_title_and_signing_date(personas, registry):
    convention = make_agreement()
    run = check(personas.coordinator, agreements_book([row(title_it="CONVENZIONE con il Cop", notes="Rinnovata")]))
    assert run.counts["changed"] == 1
    assert run.report["rows"][0]["uid"] == str(convention.uid) and run.report["rows"][0]["match"] == "agreement"
    # Another signing date is another agreement.
    run = check(personas.coordinator, agreements_book([row(signed="2005")]))
    assert run.counts["new"] == 1


def test_an_ambiguous_match_asks_for_the_uid_column(personas, registry):
    make_agreement()
    make_agreement(title_it="Convenzione con il COP ")
    run = check(personas.coordinator, agreements_book([row()]))
    assert errors_of(run) == [
        (2, "C (Titolo)", "2 agreements have this kind, title and signing date: add the uid column.")
    ]


def test_it_accepts_english_headers_and_labels(personas, registry):
    content = agreements_book(
        [row(kind="Memorandum of understanding", title_it="MoU", organisation_parties="COP: President")],
        headers=HEADERS_EN,
        title="Agreements",
    )
    commit(personas.coordinator, content)
    agreement = Agreement.objects.get()
    assert agreement.kind == AgreementKind.MEMORANDUM and agreement.parties.get().signatory == "President"


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Protocollo d'intesa", AgreementKind.PROTOCOL),
        ("protocollo", AgreementKind.PROTOCOL),
        ("Accordo", AgreementKind.AGREEMENT),
        ("memorandum", AgreementKind.MEMORANDUM),
        ("convention", AgreementKind.CONVENTION),
    ],
)
def test_it_reads_the_kinds_as_people_write_them(personas, registry, written, kind):
    commit(personas.coordinator, agreements_book([row(kind=written)]))
    assert Agreement.objects.get().kind == kind


# --- never guessed -----------------------------------------------------------------------
def test_unknown_parties_are_errors_with_suggestions_and_nothing_is_created(personas, registry):
    content = agreements_book(
        [
            row(city_parties="Lionne: Maire"),
            row(title_it="B", organisation_parties="Comitato ONG piemontesi"),
            row(title_it="C", city_parties="Parigi"),
            row(title_it="D", city_parties="Lione; Lyon (FR)"),
        ]
    )
    run = check(personas.coordinator, content)
    problems = {number: (column, message) for number, column, message in errors_of(run)}
    assert run.counts["errors"] == 4 and run.content is None
    assert problems[2][0] == "N (Città firmatarie)" and "did you mean: Lione (FR)" in problems[2][1]
    assert problems[3][0] == "O (Organizzazioni firmatarie)"
    assert "did you mean: Comitato delle ONG piemontesi" in problems[3][1]
    assert "not found" in problems[4][1] and "Add the city to the registry first" in problems[4][1]
    assert "“Lyon (FR)” is listed twice." in problems[5][1]
    assert PartnerCity.objects.count() == 3 and Organisation.objects.count() == 2
    assert not Agreement.objects.exists()


def test_the_city_itself_is_never_a_party(personas, registry):
    content = agreements_book(
        [
            row(city_parties="Torino (IT): Sindaco"),
            row(title_it="B", city_parties="Turin"),
            row(title_it="C", organisation_parties="Città di Torino: Sindaca"),
        ]
    )
    run = check(personas.coordinator, content)
    message = "Città di Torino is a party to every agreement: do not list it among the parties."
    assert [(n, m) for n, _c, m in errors_of(run)] == [(2, message), (3, message), (4, message)]


# --- the date rules and other bad values ------------------------------------------------------
def test_it_names_row_and_column_of_each_bad_value_and_writes_nothing(personas, registry):
    content = agreements_book(
        [
            row(signed="30/02/2004"),
            row(title_it="B", valid_from="01/01/2010", valid_until="31/12/2009"),
            row(title_it="C", valid_from="2025"),
            row(title_it="D", deliberation_on="03/2004"),
            row(title_it="E", kind="Gemellaggio"),
            row(title_it=None),
            row(title_it="x" * 301),
            row(title_it="G", lead_department="NESSUNO"),
            row(title_it="H", uid="abc"),
            row(title_it="I", uid="6f1c2c1e-52d5-4f43-9d38-0d1f4c6a6e00"),
            row(title_it="J", organisation_parties="COP: " + "y" * 201),
        ]
    )
    run = check(personas.coordinator, content)
    found = errors_of(run)
    assert run.counts["errors"] == 11 and run.counts["new"] == 0
    assert (2, "G (Firmato il)", "30/02/2004 is not a date of the calendar.") in found
    assert (3, "I (In vigore fino al)", "The term cannot end before it starts.") in found
    assert (4, "H (In vigore dal)", "Write the whole date, day included (31/12/2025).") in found
    assert (5, "K (Data della delibera)", "Write the whole date, day included (31/12/2025).") in found
    assert any(n == 6 and c == "B (Tipo di accordo)" and "not found" in m for n, c, m in found)
    assert (7, "C (Titolo)", "This cell is required.") in found
    assert any(n == 8 and c == "C (Titolo)" and "at most 300 characters" in m for n, c, m in found)
    assert any(n == 9 and c == "L (Settore responsabile)" and "not found" in m for n, c, m in found)
    assert any(n == 10 and c == "A (uid)" and "not a uid written by relint" in m for n, c, m in found)
    assert any(n == 11 and c == "A (uid)" and "No agreement has this uid" in m for n, c, m in found)
    assert any(n == 12 and c == "O (Organizzazioni firmatarie)" and "at most 200" in m for n, c, m in found)
    assert not Agreement.objects.exists()


def test_the_year_alone_is_a_signing_date_of_year_precision(personas, registry):
    commit(personas.coordinator, agreements_book([row(signed="2025"), row(title_it="B", signed=2019)]))
    dates = set(Agreement.objects.values_list("signed_on", "signed_precision"))
    assert dates == {(dt.date(2025, 1, 1), DatePrecision.YEAR), (dt.date(2019, 1, 1), DatePrecision.YEAR)}


def test_the_bulk_service_refuses_a_signing_date_off_its_precision(personas):
    """The model's rule (decisions.md): a date known to the year is 1 January."""
    item = partner_services.ImportedAgreement(
        fields={
            "kind": AgreementKind.CONVENTION,
            "title_it": "X",
            "signed_on": dt.date(2025, 6, 3),
            "signed_precision": DatePrecision.YEAR,
        }
    )
    with pytest.raises(partner_services.PartnerImportError) as error:
        partner_services.agreement_bulk_import(user=personas.coordinator, items=[item])
    assert "enter 1 January of the year" in str(error.value.error)
    assert not Agreement.objects.exists()


def test_it_flags_duplicate_rows_naming_the_first(personas, registry):
    agreement = make_agreement(title_it="Esistente")
    content = agreements_book(
        [
            row(),
            row(title_it="convenzione con il cop"),
            row(uid=str(agreement.uid), title_it="Esistente"),
            row(uid=str(agreement.uid), title_it="Esistente", notes="x"),
        ]
    )
    run = check(personas.coordinator, content)
    found = errors_of(run)
    assert (3, "C (Titolo)", "Duplicate row: row 2 has the same kind, title and signing date.") in found
    assert (5, "A (uid)", "Duplicate row: the same uid as row 4.") in found
    assert run.counts["errors"] == 2


# --- who ------------------------------------------------------------------------------------
def test_an_editors_workbook_with_an_agreements_sheet_is_refused_whole(personas, registry):
    run = check(personas.editor_a, agreements_book([row()]))
    assert run.state == ImportState.REFUSED
    assert run.error == (
        "Only the coordinator imports the partner registry: remove the sheet “Accordi” and upload the file again."
    )
    assert not Agreement.objects.exists()


def test_the_bulk_service_refuses_anyone_but_the_coordinator(personas):
    item = partner_services.ImportedAgreement(fields={"kind": AgreementKind.CONVENTION, "title_it": "X"})
    with pytest.raises(partner_services.PermissionDenied):
        partner_services.agreement_bulk_import(user=personas.editor_a, items=[item])
    assert not Agreement.objects.exists()


def test_an_editors_template_and_export_have_no_agreements_sheet(client, personas):
    content = workbook.write_workbook(user=personas.editor_a, activities=None, language="it")
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Attività", "Istruzioni", "Elenchi"]
    assert "Accordi" not in export(client, personas.editor_a).sheetnames


# --- all or nothing ---------------------------------------------------------------------------
def test_the_bulk_service_rolls_back_when_a_later_agreement_was_changed_meanwhile(personas, registry):
    agreement = make_agreement()
    stale = Agreement.objects.get(pk=agreement.pk)
    Agreement.objects.filter(pk=agreement.pk).update(notes="B", version=2)  # a workspace edit meanwhile
    items = [
        partner_services.ImportedAgreement(fields={"kind": AgreementKind.PROTOCOL, "title_it": "Nuovo"}),
        partner_services.ImportedAgreement(fields={"notes": "A"}, agreement=stale),
    ]
    with pytest.raises(partner_services.PartnerImportError) as error:
        partner_services.agreement_bulk_import(user=personas.coordinator, items=items)
    assert error.value.index == 1 and "run the dry run again" in str(error.value.error)
    assert list(Agreement.objects.values_list("title_it", "notes", "version")) == [("Convenzione con il COP", "B", 2)]


def test_a_failure_after_the_agreements_sheet_was_written_rolls_everything_back(personas, registry):
    content = book(
        ("Accordi", HEADERS_IT, [row(organisation_parties="COP"), row(title_it="Secondo")]),
        ("Città partner", RELATION_HEADERS_IT, [relation_row(agreement="Secondo")]),
    )
    run = check(personas.coordinator, content)
    assert run.counts["new"] == 3

    def refused_by_the_database(done: int) -> None:
        # After the agreements sheet's chunk: the database refuses a write (a
        # party that is neither a city nor an organisation), as it would a
        # row the checks did not foresee.
        if done == 2:
            assert Agreement.objects.count() == 2
            AgreementParty.objects.create(agreement=Agreement.objects.first())

    run = services.import_run_commit(user=personas.coordinator, run=run, progress=refused_by_the_database)
    assert run.state == ImportState.FAILED and "The database refused a row" in run.error
    assert not Agreement.objects.exists() and not AgreementParty.objects.exists()
    assert not CityRelation.objects.exists()


def test_an_agreement_changed_after_the_dry_run_refuses_the_commit(personas, registry):
    agreement = make_agreement()
    run = check(personas.coordinator, agreements_book([row(uid=str(agreement.uid), notes="A")]))
    assert run.counts["changed"] == 1
    Agreement.objects.filter(pk=agreement.pk).update(notes="B")
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.FAILED and "The data changed since the dry run" in run.error
    agreement.refresh_from_db()
    assert agreement.notes == "B"


# --- the relation's agreement -------------------------------------------------------------------
def test_a_relation_links_an_agreement_new_in_the_same_workbook(personas, registry):
    content = book(
        # The partner cities sheet first in the file: the agreements sheet is read first all the same.
        ("Città partner", RELATION_HEADERS_IT, [relation_row(agreement="patto di gemellaggio con colonia")]),
        (
            "Accordi",
            HEADERS_IT,
            [row(kind="Accordo", title_it="Patto di gemellaggio con Colonia", city_parties="Köln")],
        ),
    )
    run = check(personas.coordinator, content)
    assert errors_of(run) == [] and run.counts["new"] == 2
    assert not Agreement.objects.exists()
    with translation.override("it"):
        # The digest is the same in the dry run and the commit, whatever the language.
        run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    relation = CityRelation.objects.get()
    assert relation.agreement == Agreement.objects.get(title_it="Patto di gemellaggio con Colonia")
    assert relation.history.get().agreement_id == relation.agreement_id


def test_the_relations_agreement_column_round_trips_by_title_or_uid(client, personas, registry):
    unique = make_agreement(title_it="Gemellaggio Torino-Colonia")
    twin_a = make_agreement(title_it="Patto", signed_on=dt.date(2001, 1, 1))
    make_agreement(title_it="Patto", signed_on=dt.date(2002, 1, 1))
    koeln = CityRelation.objects.create(city=registry["koeln"], kind=RelationKind.TWINNING, agreement=unique)
    lyon = CityRelation.objects.create(city=registry["lyon"], kind=RelationKind.FRIENDSHIP, agreement=twin_a)
    CityRelation.objects.create(city=registry["lyon"], kind=RelationKind.TWINNING)
    exported = export(client, personas.coordinator)
    sheet = exported["Città partner"]
    agreement_column = RELATION_HEADERS_IT.index("Accordo")
    written = {r[0]: r[agreement_column] for r in sheet.iter_rows(min_row=2, values_only=True)}
    # The title when it names one agreement alone; the uid when two share it.
    assert written[koeln.pk] == "Gemellaggio Torino-Colonia" and written[lyon.pk] == str(twin_a.uid)
    assert list(written.values()).count(None) == 1  # the relation without agreement
    history = CityRelation.history.count()
    run = check(personas.coordinator, saved(exported))
    # Three relations, and the registry's three agreements and two organisations.
    assert errors_of(run) == [] and run.counts["unchanged"] == run.counts["rows"] == 8
    assert CityRelation.history.count() == history
    # Edited: an agreement set, one removed, one by an ambiguous or unknown title.
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    other = next(pk for pk in rows if pk not in (koeln.pk, lyon.pk))
    rows[other][agreement_column].value = "gemellaggio torino colonia"
    rows[koeln.pk][agreement_column].value = None
    run = check(personas.coordinator, saved(exported))
    assert run.counts["changed"] == 2 and errors_of(run) == []
    diffs = {r["row"]: r["diffs"] for r in run.report["rows"]}
    assert {"field": "Accordo", "field_en": "Agreement", "old": "Gemellaggio Torino-Colonia", "new": ""} in diffs[
        rows[koeln.pk][0].row
    ]
    services.import_run_commit(user=personas.coordinator, run=run)
    assert CityRelation.objects.get(pk=other).agreement == unique
    assert CityRelation.objects.get(pk=koeln.pk).agreement is None
    rows[lyon.pk][agreement_column].value = "Patto"
    rows[koeln.pk][agreement_column].value = "Gemellaggio Torino Kolonia"
    run = check(personas.coordinator, saved(exported))
    problems = {n: m for n, _c, m in errors_of(run)}
    assert "2 agreements have the title “Patto”: write the uid" in problems[rows[lyon.pk][0].row]
    assert "did you mean: Gemellaggio Torino-Colonia" in problems[rows[koeln.pk][0].row]


# --- the template -------------------------------------------------------------------------------
def test_the_coordinators_template_has_the_agreements_sheet_with_drop_down_lists(client, personas):
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
    sheet = template["Agreements"]
    assert [c.value for c in sheet[1]] == HEADERS_EN and sheet.max_row == 1
    validated = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert {"B2", "L2"} <= set(validated)  # kind, responsible department
    lists = template["Lists"]
    column = next(cell.column_letter for cell in lists[1] if cell.value == "Agreement kinds")
    assert validated["B2"].formula1 == f"='Lists'!${column}$2:${column}$5"
    assert [lists[f"{column}{n}"].value for n in range(2, 6)] == [str(label) for _v, label in AgreementKind.choices]
    departments = next(cell.column_letter for cell in lists[1] if cell.value == "Departments")
    assert validated["L2"].formula1.startswith(f"='Lists'!${departments}$2")
    instructions = [c.value for c in template["Instructions"]["A"]]
    assert "Agreements" in instructions and "Partner city parties" in instructions


# --- the page ------------------------------------------------------------------------------------
def test_the_dry_run_page_shows_the_agreements_field_by_field_and_commits(client, personas, registry):
    convention = make_agreement()
    client.force_login(personas.coordinator)
    upload = io.BytesIO(agreements_book([row(notes="Rinnovata nel 2008"), row(title_it="Nuovo protocollo")]))
    upload.name = "accordi.xlsx"
    response = client.post(reverse("exchange:upload"), {"file": upload})
    assert response.status_code == 302
    run = services.ImportRun.objects.get()
    with translation.override("it"):
        page = client.get(run.get_absolute_url()).content.decode()
    assert "Voci modificate" in page and "Nuove voci" in page
    assert "riconosciuto per tipo, titolo e data di firma" in page
    assert "Rinnovata nel 2008" in page and "Nuovo protocollo" in page
    client.post(reverse("exchange:commit", args=[run.uid]))
    convention.refresh_from_db()
    assert convention.notes == "Rinnovata nel 2008" and Agreement.objects.count() == 2


# --- the cost ----------------------------------------------------------------------------------
def test_the_dry_runs_queries_do_not_grow_with_the_rows(personas, registry):
    existing = [make_agreement(title_it=f"Accordo {n}") for n in range(200)]

    def dry_run_queries(count: int) -> int:
        rows = [
            row(uid=str(agreement.uid), title_it=agreement.title_it, city_parties="Köln: Sindaco", notes="nuove")
            for agreement in existing[:count]
        ]
        rows += [row(title_it=f"Nuovo {n}", organisation_parties="COP") for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            run = check(personas.coordinator, agreements_book(rows))
        assert run.counts["changed"] == count and run.counts["new"] == count, errors_of(run)[:3]
        return len(queries)

    dry_run_queries(1)  # the user's roles are fetched once, then cached on the user
    assert dry_run_queries(20) == dry_run_queries(200)


def test_an_agreement_may_name_as_a_party_an_organisation_the_same_workbook_adds(personas, registry):
    """The organisations sheet is read first; a changed agreement names the
    new organisation by its row in the plan, so that the dry run (a
    provisional id) and the commit (the real one) agree."""
    from relint.exchange.columns import ORGANISATION_COLUMNS

    existing = commit(personas.coordinator, agreements_book([row(organisation_parties="COP")]))
    agreement = Agreement.objects.get()
    assert existing.counts["new"] == 1
    organisations = [c.header_it for c in ORGANISATION_COLUMNS]

    def organisation(name):
        return [{"name": name, "kind": "ONG"}.get(c.key) for c in ORGANISATION_COLUMNS]

    content = book(
        (
            "Accordi",
            HEADERS_IT,
            [
                row(uid=str(agreement.uid), organisation_parties="COP; Mani Tese: Presidenza"),
                row(title_it="Protocollo con Mani Tese", kind="Protocollo d'intesa", organisation_parties="Mani Tese"),
            ],
        ),
        ("Organizzazioni", organisations, [organisation("Mani Tese")]),
    )
    run = check(personas.coordinator, content)
    assert run.counts == {"rows": 3, "new": 2, "changed": 1, "unchanged": 0, "errors": 0}, run.report["rows"]
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    mani_tese = Organisation.objects.get(name="Mani Tese")
    assert sorted(agreement.parties.values_list("organisation__name", "signatory")) == [
        ("Comitato delle ONG piemontesi", ""),
        ("Mani Tese", "Presidenza"),
    ]
    assert Agreement.objects.get(title_it="Protocollo con Mani Tese").parties.get().organisation == mani_tese
