"""Spreadsheet import of the organisations sheet (issue 6): one row per
organisation, with the committees it belongs to. Matching by uid, name or
acronym; memberships replaced with their history; a committee new in the
same sheet; the activities sheet naming an organisation the same workbook
adds; template and export; the coordinator-only rule."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from relint.activities.models import Activity, ActivityKind, PartnerRole
from relint.exchange import services, workbook
from relint.exchange.columns import ACTIVITY_COLUMNS, ORGANISATION_COLUMNS, RELATION_COLUMNS
from relint.exchange.models import ImportState
from relint.partners import services as partner_services
from relint.partners.models import (
    CommitteeMembership,
    Organisation,
    OrganisationKind,
    PartnerCity,
    ProfitKind,
)

HEADERS_IT = [column.header_it for column in ORGANISATION_COLUMNS]
HEADERS_EN = [column.header_en for column in ORGANISATION_COLUMNS]
KEYS = [column.key for column in ORGANISATION_COLUMNS]


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def registry(db):
    lyon = PartnerCity.objects.create(name_it="Lione", name_en="Lyon", country_id="FR")
    cop = Organisation.objects.create(
        name="Comitato delle ONG piemontesi", acronym="COP", kind=OrganisationKind.COMMITTEE, country_id="IT"
    )
    cittadella = Organisation.objects.create(
        name="Comitato per la Cittadella delle Civiltà", kind=OrganisationKind.COMMITTEE
    )
    mais = Organisation.objects.create(name="MAIS", kind=OrganisationKind.NGO, country_id="IT")
    gtt = Organisation.objects.create(
        name="Gruppo Torinese Trasporti",
        acronym="GTT",
        kind=OrganisationKind.CITY_OWNED,
        profit_kind=ProfitKind.PROFIT,
    )
    return {"lyon": lyon, "cop": cop, "cittadella": cittadella, "mais": mais, "gtt": gtt}


def org(**cells) -> list:
    """A row of the organisations sheet, in the template's column order."""
    base = {"name": "Nuova ONG", "kind": "ONG"}
    base.update(cells)
    return [base.get(key) for key in KEYS]


def activity_row(**cells) -> list:
    base = {"year": 2025, "lead_department": "AMBIENTE", "kind": "Progetto europeo", "title_it": "Titolo"}
    base.update(cells)
    return [base.get(column.key) for column in ACTIVITY_COLUMNS]


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


def orgs_book(rows: list[list], headers=HEADERS_IT, title="Organizzazioni") -> bytes:
    return book((title, headers, rows))


def check(user, content: bytes):
    return services.import_run_check(user=user, content=content, filename="organizzazioni.xlsx")


def commit(user, content: bytes):
    run = check(user, content)
    assert run.state == ImportState.CHECKED and not run.counts["errors"], errors_of(run)
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


def memberships_of(organisation: Organisation) -> list[tuple[str, int | None, int | None]]:
    return sorted(
        CommitteeMembership.objects.filter(member=organisation).values_list(
            "committee__name", "joined_year", "left_year"
        )
    )


def history_count() -> int:
    return Organisation.history.count() + CommitteeMembership.history.count()


# --- new organisations and their memberships ------------------------------------------------
def test_it_dry_runs_then_commits_new_organisations_and_a_committee_new_in_the_same_sheet(personas, registry):
    content = orgs_book(
        [
            # Names a committee of the registry by acronym, and one that a row below adds.
            org(
                name="Mani Tese", kind="ONLUS", country="Italia", memberships="COP (2004); Rete Torino Solidale (2010)"
            ),
            org(
                name="Rete Torino Solidale",
                acronym="RTS",
                kind="rete",
                website="www.retetorinosolidale.it",
                memberships="Comitato per la Cittadella delle Civiltà (2004-2012)",
            ),
            org(name="Université Lumière", kind="università", country="FR", city="Lyon"),
            org(name="Acqua Torino", kind="Ente partecipato", profit_kind="NO PROFIT"),
        ]
    )
    run = check(personas.coordinator, content)
    assert errors_of(run) == []
    assert run.counts == {"rows": 4, "new": 4, "changed": 0, "unchanged": 0, "errors": 0}
    assert Organisation.objects.count() == 4  # a dry run writes nothing
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    mani_tese = Organisation.objects.get(name="Mani Tese")
    assert (mani_tese.kind, mani_tese.country_id) == (OrganisationKind.NGO, "IT")
    rete = Organisation.objects.get(acronym="RTS")
    assert rete.kind == OrganisationKind.COMMITTEE and rete.website == "https://www.retetorinosolidale.it"
    assert memberships_of(mani_tese) == [
        ("Comitato delle ONG piemontesi", 2004, None),
        ("Rete Torino Solidale", 2010, None),
    ]
    assert memberships_of(rete) == [("Comitato per la Cittadella delle Civiltà", 2004, 2012)]
    university = Organisation.objects.get(name="Université Lumière")
    assert (university.kind, university.city, university.country_id) == (
        OrganisationKind.UNIVERSITY,
        registry["lyon"],
        "FR",
    )
    assert Organisation.objects.get(name="Acqua Torino").profit_kind == ProfitKind.NON_PROFIT
    # Every record has its history row naming the importer.
    assert mani_tese.history.get().history_user == personas.coordinator
    membership = CommitteeMembership.objects.get(member=mani_tese, committee=rete)
    assert membership.history.get().history_user == personas.coordinator


def test_importing_the_same_file_twice_changes_nothing_the_second_time(personas, registry):
    content = orgs_book(
        [
            org(name="Mani Tese", memberships="COP (2004); Rete Nuova"),
            org(name="Rete Nuova", kind="Comitato", memberships="Comitato per la Cittadella delle Civiltà (-2012)"),
        ]
    )
    commit(personas.coordinator, content)
    before = list(Organisation.objects.values_list("pk", "name", "version").order_by("pk"))
    memberships = list(CommitteeMembership.objects.values_list("pk", "version").order_by("pk"))
    history = history_count()
    run = check(personas.coordinator, content)
    assert errors_of(run) == []
    assert run.counts == {"rows": 2, "new": 0, "changed": 0, "unchanged": 2, "errors": 0}
    assert run.content is None and not run.can_commit
    assert run.report["rows"] == []  # the dry run lists changes only
    assert list(Organisation.objects.values_list("pk", "name", "version").order_by("pk")) == before
    assert list(CommitteeMembership.objects.values_list("pk", "version").order_by("pk")) == memberships
    assert history_count() == history


# --- the export and the round trip ------------------------------------------------------------
def test_it_round_trips_the_export_then_shows_field_by_field_differences(client, personas, registry):
    CommitteeMembership.objects.create(committee=registry["cop"], member=registry["mais"], joined_year=2004)
    CommitteeMembership.objects.create(
        committee=registry["cittadella"], member=registry["mais"], joined_year=2004, left_year=2012
    )
    CommitteeMembership.objects.create(committee=registry["cittadella"], member=registry["cop"], left_year=2010)
    Organisation.objects.filter(pk=registry["mais"].pk).update(
        city=registry["lyon"], website="https://www.mais.it", description_it="=Cooperazione", iati_ref="IT-CF-1"
    )
    client.force_login(personas.coordinator)
    response = client.get(reverse("exchange:export"), {"language": "it"})
    assert response.status_code == 200
    exported = openpyxl.load_workbook(io.BytesIO(response.content))
    assert exported.sheetnames == ["Attività", "Città partner", "Organizzazioni", "Accordi", "Istruzioni", "Elenchi"]
    sheet = exported["Organizzazioni"]
    assert [c.value for c in sheet[1]] == HEADERS_IT
    rows = {r[1]: dict(zip(KEYS, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == [
        "Comitato delle ONG piemontesi",
        "Comitato per la Cittadella delle Civiltà",
        "Gruppo Torinese Trasporti",
        "MAIS",
    ]
    mais = rows["MAIS"]
    assert mais["uid"] == str(registry["mais"].uid)
    assert (mais["kind"], mais["country"], mais["city"]) == ("ONG", "IT", "Lione (FR)")
    assert (
        mais["memberships"]
        == "Comitato delle ONG piemontesi (2004); Comitato per la Cittadella delle Civiltà (2004-2012)"
    )
    assert mais["description_it"] == "=Cooperazione"  # text, never a live formula
    assert rows["Comitato delle ONG piemontesi"]["memberships"] == "Comitato per la Cittadella delle Civiltà (-2010)"
    assert rows["Gruppo Torinese Trasporti"]["profit_kind"] == "PROFIT"
    # The export imported unchanged changes nothing.
    history = history_count()
    run = check(personas.coordinator, response.content)
    assert errors_of(run) == [] and run.counts["unchanged"] == 4 and run.counts["rows"] == 4
    assert history_count() == history
    # Edited: MAIS renamed (it has its uid) and leaves the COP; a new row.
    sheet.cell(row=5, column=KEYS.index("name") + 1, value="MAIS ONG")
    sheet.cell(
        row=5, column=KEYS.index("memberships") + 1, value="Comitato per la Cittadella delle Civiltà (2004-2012)"
    )
    sheet.append(org(name="Nuova ONG", memberships="COP (2020)"))
    buffer = io.BytesIO()
    exported.save(buffer)
    run = check(personas.coordinator, buffer.getvalue())
    assert errors_of(run) == []
    assert run.counts == {"rows": 5, "new": 1, "changed": 1, "unchanged": 3, "errors": 0}
    changed = next(r for r in run.report["rows"] if r["action"] == "changed")
    assert (changed["row"], changed["uid"], changed["match"]) == (5, str(registry["mais"].uid), "uid")
    assert changed["diffs"] == [
        {"field": "Nome", "field_en": "Name", "old": "MAIS", "new": "MAIS ONG"},
        {
            "field": "Aderisce a",
            "field_en": "Member of",
            "old": "Comitato delle ONG piemontesi (2004); Comitato per la Cittadella delle Civiltà (2004-2012)",
            "new": "Comitato per la Cittadella delle Civiltà (2004-2012)",
        },
    ]
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    mais = Organisation.objects.get(pk=registry["mais"].pk)
    assert (mais.name, mais.version) == ("MAIS ONG", 2)
    assert mais.history.latest().history_user == personas.coordinator
    assert memberships_of(mais) == [("Comitato per la Cittadella delle Civiltà", 2004, 2012)]
    assert memberships_of(Organisation.objects.get(name="Nuova ONG")) == [("Comitato delle ONG piemontesi", 2020, None)]


def test_the_english_export_round_trips_unchanged(client, personas, registry):
    CommitteeMembership.objects.create(committee=registry["cop"], member=registry["gtt"], joined_year=2015)
    client.force_login(personas.coordinator)
    response = client.get(reverse("exchange:export"), {"language": "en"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Organisations"]
    assert [c.value for c in sheet[1]] == HEADERS_EN
    gtt = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "Gruppo Torinese Trasporti")
    assert dict(zip(KEYS, gtt, strict=True))["kind"] == "City-owned company or body"
    assert dict(zip(KEYS, gtt, strict=True))["memberships"] == "Comitato delle ONG piemontesi (2015)"
    run = check(personas.coordinator, response.content)
    assert errors_of(run) == [] and run.counts == {"rows": 4, "new": 0, "changed": 0, "unchanged": 4, "errors": 0}


# --- memberships: added, changed, removed ---------------------------------------------------------
def test_memberships_are_replaced_with_their_history(personas, registry):
    mais, cop, cittadella = registry["mais"], registry["cop"], registry["cittadella"]
    kept = CommitteeMembership.objects.create(committee=cop, member=mais, joined_year=2004)
    removed = CommitteeMembership.objects.create(committee=cittadella, member=mais, joined_year=2004)
    rete = Organisation.objects.create(name="Rete Città Sane", kind=OrganisationKind.COMMITTEE)
    content = orgs_book([org(name="MAIS", country="IT", memberships="COP (2004-2020); Rete Città Sane")])
    run = check(personas.coordinator, content)
    assert errors_of(run) == [] and run.counts["changed"] == 1
    row = run.report["rows"][0]
    assert row["match"] == "name"
    assert row["diffs"] == [
        {
            "field": "Aderisce a",
            "field_en": "Member of",
            "old": "Comitato delle ONG piemontesi (2004); Comitato per la Cittadella delle Civiltà (2004)",
            "new": "Comitato delle ONG piemontesi (2004-2020); Rete Città Sane",
        },
    ]
    services.import_run_commit(user=personas.coordinator, run=run)
    assert memberships_of(mais) == [("Comitato delle ONG piemontesi", 2004, 2020), ("Rete Città Sane", None, None)]
    # The organisation itself did not change: no version, no history row.
    assert Organisation.objects.get(pk=mais.pk).version == 1 and mais.history.count() == 1
    kept.refresh_from_db()
    assert kept.version == 2
    assert [h.history_type for h in kept.history.order_by("history_id")] == ["+", "~"]
    assert kept.history.latest().history_user == personas.coordinator
    deleted = CommitteeMembership.history.filter(id=removed.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", personas.coordinator)
    added = CommitteeMembership.objects.get(member=mais, committee=rete)
    assert (added.history.get().history_type, added.history.get().history_user) == ("+", personas.coordinator)


def test_an_empty_member_of_cell_removes_the_memberships_and_a_missing_column_keeps_them(personas, registry):
    mais = registry["mais"]
    CommitteeMembership.objects.create(committee=registry["cop"], member=mais, joined_year=2004)
    headers = [h for h in HEADERS_IT if h != "Aderisce a"]
    row = [
        cell for cell, key in zip(org(name="MAIS", description_it="Nuova"), KEYS, strict=True) if key != "memberships"
    ]
    commit(personas.coordinator, orgs_book([row], headers=headers))
    assert memberships_of(mais) == [("Comitato delle ONG piemontesi", 2004, None)]
    run = commit(personas.coordinator, orgs_book([org(name="MAIS", description_it="Nuova", memberships=None)]))
    assert run.counts["changed"] == 1
    assert memberships_of(mais) == []


# --- matching rows -------------------------------------------------------------------------
def test_a_row_without_uid_matches_by_acronym_and_leaves_the_name_as_it_is(personas, registry):
    run = check(
        personas.coordinator,
        orgs_book(
            [org(name="Comitato ONG Piemonte", acronym="cop", kind="Comitato", country="IT", website="https://cop.it")]
        ),
    )
    assert errors_of(run) == []
    assert run.counts["changed"] == 1 and run.counts["new"] == 0
    row = run.report["rows"][0]
    assert (row["match"], row["uid"]) == ("acronym", str(registry["cop"].uid))
    assert [d["field_en"] for d in row["diffs"]] == ["Acronym", "Website"]
    assert any("matched by its acronym" in w and "renaming needs the uid" in w for w in run.report["warnings"])
    services.import_run_commit(user=personas.coordinator, run=run)
    cop = Organisation.objects.get(pk=registry["cop"].pk)
    assert (cop.name, cop.acronym, cop.website) == ("Comitato delle ONG piemontesi", "cop", "https://cop.it")
    assert Organisation.objects.count() == 4


def test_a_new_row_whose_name_exists_is_a_match_not_a_second_organisation(personas, registry):
    run = check(
        personas.coordinator, orgs_book([org(name="Comitato per la cittadella delle civilta", kind="Comitato")])
    )
    assert run.counts["changed"] == 1  # the accents and capitals written differently
    assert run.report["rows"][0]["match"] == "name"
    services.import_run_commit(user=personas.coordinator, run=run)
    assert Organisation.objects.count() == 4


def test_renaming_onto_another_organisations_name_is_refused(personas, registry):
    run = check(
        personas.coordinator, orgs_book([org(uid=str(registry["mais"].uid), name="gtt gruppo torinese trasporti")])
    )
    assert run.counts["errors"] == 0  # a name no one has
    run = check(personas.coordinator, orgs_book([org(uid=str(registry["mais"].uid), name="Gruppo torinese trasporti")]))
    assert errors_of(run) == [(2, "B (Nome)", "Another organisation is already named “Gruppo torinese trasporti”.")]


def test_it_flags_duplicate_rows(personas, registry):
    uid = str(registry["mais"].uid)
    run = check(
        personas.coordinator,
        orgs_book(
            [
                org(name="Nuova"),
                org(name="NUOVA"),
                org(uid=uid, name="MAIS"),
                org(uid=uid, name="MAIS"),
                org(name="MAIS"),  # matched by name to the organisation of row 4
            ]
        ),
    )
    found = errors_of(run)
    assert (3, "B (Nome)", "Duplicate row: row 2 has the same name.") in found
    assert (5, "A (uid)", "Duplicate row: the same uid as row 4.") in found
    assert (6, "B (Nome)", "Duplicate row: row 4 is the same organisation.") in found
    assert run.counts["errors"] == 3


def test_an_unknown_uid_is_an_error_never_a_new_organisation(personas, registry):
    run = check(personas.coordinator, orgs_book([org(uid="4b5c4c52-8d4e-4b7a-9c1e-000000000000"), org(uid="abc")]))
    found = errors_of(run)
    assert (2, "A (uid)", "No organisation has this uid: leave it empty for a new organisation.") in found
    assert (3, "A (uid)", "“abc” is not a uid written by relint's export.") in found


# --- never guessed, and the model's rules ----------------------------------------------------------
def test_unknown_city_country_and_committee_are_errors_with_suggestions(personas, registry):
    run = check(
        personas.coordinator,
        orgs_book(
            [
                org(name="A", city="Lionne"),
                org(name="B", country="Itlia"),
                org(name="C", memberships="Comitato delle ONG piemontese (2004)"),
                org(name="D", memberships="Rete che non esiste"),
            ]
        ),
    )
    problems = {(n, c): m for n, c, m in errors_of(run)}
    assert "did you mean: Lione (FR)" in problems[(2, "H (Città)")]
    assert "Add the city to the registry first" in problems[(2, "H (Città)")]
    assert "did you mean: Italia" in problems[(3, "G (Paese)")]
    assert "did you mean: Comitato delle ONG piemontesi" in problems[(4, "M (Aderisce a)")]
    assert problems[(5, "M (Aderisce a)")] == (
        "Committee “Rete che non esiste” not found. Add it to the registry, or as a row of this sheet, "
        "or correct the name."
    )
    assert Organisation.objects.count() == 4


def test_the_profit_kind_is_for_city_owned_bodies_only(personas, registry):
    run = check(
        personas.coordinator,
        orgs_book(
            [
                org(name="Partecipata senza natura", kind="Ente partecipato"),
                org(name="ONG con profitto", kind="ONG", profit_kind="PROFIT"),
                org(name="Partecipata", kind="city_owned", profit_kind="non profit"),
                org(name="Natura strana", kind="Impresa", profit_kind="forse"),
            ]
        ),
    )
    found = errors_of(run)
    message = "City-owned bodies are PROFIT or NO PROFIT; other kinds are neither."
    assert (2, "F (Profit / no profit)", message) in found
    assert (3, "F (Profit / no profit)", message) in found
    assert any(n == 5 and "not found" in m for n, _c, m in found)
    assert run.counts == {"rows": 4, "new": 1, "changed": 0, "unchanged": 0, "errors": 3}


def test_a_bad_website_and_a_bad_kind_are_named_by_row_and_column(personas, registry):
    run = check(
        personas.coordinator,
        orgs_book(
            [
                org(name="A", website="javascript:alert(1)"),
                org(name="B", website="https://"),
                org(name="C", kind="Associazione segreta"),
                org(name="D", kind=None),
                org(name=None),
                org(name="E" * 301),
            ]
        ),
    )
    found = errors_of(run)
    assert (2, "I (Sito web)", "Enter a valid URL.") in found
    assert (3, "I (Sito web)", "Enter a valid URL.") in found
    assert any(n == 4 and c == "E (Tipologia)" and "not found" in m for n, c, m in found)
    assert (5, "E (Tipologia)", "This cell is required.") in found
    assert (6, "B (Nome)", "This cell is required.") in found
    assert any(n == 7 and c == "B (Nome)" and "at most 300 characters" in m for n, c, m in found)
    assert run.counts["errors"] == 6


def test_only_a_committee_can_have_members(personas, registry):
    run = check(personas.coordinator, orgs_book([org(name="Nuova", memberships="GTT (2004); MAIS")]))
    (problem,) = errors_of(run)
    assert problem[:2] == (2, "M (Aderisce a)")
    assert "“GTT”: Only a committee or network can have members." in problem[2]
    assert "“MAIS”: Only a committee or network can have members." in problem[2]
    # A row of the same sheet that makes MAIS a committee allows it.
    run = check(personas.coordinator, orgs_book([org(name="Nuova", memberships="MAIS"), org(name="MAIS", kind="Rete")]))
    assert errors_of(run) == [] and run.counts == {"rows": 2, "new": 1, "changed": 1, "unchanged": 0, "errors": 0}


def test_a_committee_with_members_cannot_become_another_kind_unless_the_sheet_removes_them(personas, registry):
    CommitteeMembership.objects.create(committee=registry["cittadella"], member=registry["mais"])
    demoted = org(name="Comitato per la Cittadella delle Civiltà", kind="ONG")
    run = check(personas.coordinator, orgs_book([demoted]))
    assert errors_of(run) == [
        (
            2,
            "E (Tipologia)",
            "Only a committee or network can have members, and this one has: MAIS.",
        )
    ]
    run = commit(personas.coordinator, orgs_book([demoted, org(name="MAIS", memberships="")]))
    assert Organisation.objects.get(pk=registry["cittadella"].pk).kind == OrganisationKind.NGO
    assert not CommitteeMembership.objects.exists()


def test_an_organisation_cannot_be_its_own_member_and_years_must_be_ordered(personas, registry):
    run = check(
        personas.coordinator,
        orgs_book(
            [
                org(name="Comitato delle ONG piemontesi", kind="Comitato", memberships="COP"),
                org(name="Rete", kind="Comitato", memberships="Rete (2004)"),
                org(name="Terza", memberships="COP (2012-2004)"),
                org(name="Quarta", memberships="COP (1850)"),
                org(name="Quinta", memberships="COP (2004-20012)"),
                org(name="Sesta", memberships="COP; COP (2004)"),
            ]
        ),
    )
    problems = {n: m for n, _c, m in errors_of(run)}
    assert "cannot be a member of itself" in problems[2]
    assert problems[3] == "“Rete”: an organisation cannot be a member of itself."
    assert problems[4] == "“COP”: The year left cannot come before the year joined."
    assert "1900" in problems[5]
    assert "write the years as" in problems[6]
    assert problems[7] == "“COP” is listed twice."
    assert not CommitteeMembership.objects.exists()


# --- headers in both languages --------------------------------------------------------------------
def test_it_accepts_english_headers_and_labels(personas, registry):
    content = orgs_book(
        [org(name="Turin University", kind="University or university department", country="Italy", memberships="COP")],
        headers=HEADERS_EN,
        title="Organisations",
    )
    commit(personas.coordinator, content)
    university = Organisation.objects.get(name="Turin University")
    assert (university.kind, university.country_id) == (OrganisationKind.UNIVERSITY, "IT")
    assert memberships_of(university) == [("Comitato delle ONG piemontesi", None, None)]


# --- all or nothing -------------------------------------------------------------------------------
def test_a_row_failing_at_commit_rolls_back_every_row_and_the_other_sheets(personas, registry):
    content = book(
        ("Attività", [c.header_it for c in ACTIVITY_COLUMNS], [activity_row(title_it="Mai importata")]),
        ("Città partner", [c.header_it for c in RELATION_COLUMNS], [[None, "Lione", None, "Gemellaggio"]]),
        (
            "Organizzazioni",
            HEADERS_IT,
            [org(name="Prima nuova", memberships="COP"), org(uid=str(registry["mais"].uid), name="MAIS", acronym="M")],
        ),
    )
    run = check(personas.coordinator, content)
    assert run.counts["new"] == 3 and run.counts["changed"] == 1

    def someone_edits_mais_meanwhile(_done):
        # A workspace edit between the commit's reading and its writing.
        Organisation.objects.filter(pk=registry["mais"].pk).update(version=F("version") + 1)

    run = services.import_run_commit(user=personas.coordinator, run=run, progress=someone_edits_mais_meanwhile)
    assert run.state == ImportState.FAILED
    assert "Sheet “Organizzazioni”, row 3" in run.error and "run the dry run again" in run.error
    assert not Organisation.objects.filter(name="Prima nuova").exists()
    assert not CommitteeMembership.objects.exists()
    assert not Activity.objects.filter(title_it="Mai importata").exists()
    assert Organisation.objects.get(pk=registry["mais"].pk).acronym == ""


def test_an_organisation_changed_after_the_dry_run_refuses_the_commit(personas, registry):
    run = check(personas.coordinator, orgs_book([org(name="MAIS", acronym="M")]))
    assert run.counts["changed"] == 1
    Organisation.objects.filter(pk=registry["mais"].pk).update(acronym="X")  # someone else meanwhile
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.FAILED and "The data changed since the dry run" in run.error
    assert Organisation.objects.get(pk=registry["mais"].pk).acronym == "X"


def test_the_bulk_service_refuses_moved_versions_and_anyone_but_the_coordinator(personas, registry):
    stale = Organisation.objects.get(pk=registry["mais"].pk)
    item = partner_services.ImportedOrganisation(fields={"acronym": "M"}, organisation=stale)
    with pytest.raises(partner_services.PermissionDenied):
        partner_services.organisation_bulk_import(user=personas.editor_a, items=[item])
    Organisation.objects.filter(pk=stale.pk).update(version=2)
    with pytest.raises(partner_services.PartnerImportError) as error:
        partner_services.organisation_bulk_import(user=personas.coordinator, items=[item])
    assert error.value.index == 0 and "run the dry run again" in error.value.error.messages[0]
    stale.refresh_from_db()
    assert stale.acronym == ""
    # Memberships read before someone else added one are refused too.
    mais = Organisation.objects.get(pk=stale.pk)
    CommitteeMembership.objects.create(committee=registry["cop"], member=mais)
    item = partner_services.ImportedOrganisation(fields={}, organisation=mais, memberships=[], seen_memberships=[])
    with pytest.raises(partner_services.PartnerImportError):
        partner_services.organisation_bulk_import(user=personas.coordinator, items=[item])
    assert CommitteeMembership.objects.count() == 1


# --- the activities sheet naming an organisation this workbook adds -------------------------------
def test_an_activity_may_name_an_organisation_the_same_workbook_adds(personas, registry):
    existing = Activity.objects.create(
        year=2025,
        lead_department=personas.department_a,
        kind=ActivityKind.EU_PROJECT,
        title_it="Già in relint",
    )
    content = book(
        (
            "Attività",
            [c.header_it for c in ACTIVITY_COLUMNS],
            [
                activity_row(title_it="Nuova con ONG nuova", partner_organisations="Mani Tese: capofila; Rinominata"),
                activity_row(
                    uid=str(existing.uid),
                    lead_department=personas.department_a.code,
                    title_it="Già in relint",
                    partner_organisations="Mani Tese; Rinominata",
                    funding="Unione europea | | € 1.000,00 | Mani Tese",
                ),
            ],
        ),
        (
            "Organizzazioni",
            HEADERS_IT,
            [org(name="Mani Tese", acronym="MT"), org(uid=str(registry["mais"].uid), name="Rinominata")],
        ),
    )
    run = check(personas.coordinator, content)
    assert errors_of(run) == []
    assert run.counts == {"rows": 4, "new": 2, "changed": 2, "unchanged": 0, "errors": 0}
    diffs = next(r for r in run.report["rows"] if r["uid"] == str(existing.uid))["diffs"]
    assert {d["field_en"]: d["new"] for d in diffs}[
        "Partner organisations"
    ] == "Mani Tese: Partner; Rinominata: Partner"
    # The commit plans again, with the real ids: the same plan.
    run = services.import_run_commit(user=personas.coordinator, run=run)
    assert run.state == ImportState.COMMITTED, run.error
    mani_tese = Organisation.objects.get(name="Mani Tese")
    new = Activity.objects.get(title_it="Nuova con ONG nuova")
    assert sorted(new.organisation_links.values_list("organisation__name", "role")) == [
        ("Mani Tese", PartnerRole.LEAD),
        ("Rinominata", PartnerRole.PARTNER),
    ]
    assert set(existing.organisation_links.values_list("organisation_id", flat=True)) == {
        mani_tese.pk,
        registry["mais"].pk,
    }
    assert existing.funding_lines.get().funder == mani_tese


# --- who may import --------------------------------------------------------------------------------
def test_a_department_editors_workbook_with_an_organisations_sheet_is_refused_whole(personas, registry):
    run = check(personas.editor_a, orgs_book([org()]))
    assert run.state == ImportState.REFUSED
    assert run.error == (
        "Only the coordinator imports the partner registry: remove the sheet “Organizzazioni” "
        "and upload the file again."
    )
    assert Organisation.objects.count() == 4


# --- the template ------------------------------------------------------------------------------------
def test_the_coordinators_template_has_the_organisations_sheet_with_drop_down_lists(client, personas):
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
    sheet = template["Organisations"]
    assert [c.value for c in sheet[1]] == HEADERS_EN and sheet.max_row == 1
    validated = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert {"E2", "F2"} <= set(validated)  # kind, profit kind
    lists = template["Lists"]
    column = next(cell.column_letter for cell in lists[1] if cell.value == "Organisation kinds")
    assert validated["E2"].formula1 == f"='Lists'!${column}$2:${column}$11"
    assert [lists[f"{column}{n}"].value for n in range(2, 12)] == [str(label) for _v, label in OrganisationKind.choices]
    profit = next(cell.column_letter for cell in lists[1] if cell.value == "Profit kinds")
    assert [lists[f"{profit}{n}"].value for n in (2, 3)] == ["PROFIT", "NO PROFIT"]
    instructions = [c.value for c in template["Instructions"]["A"]]
    assert "Organisations" in instructions and "Member of" in instructions


def test_an_editors_template_and_export_have_no_organisations_sheet(client, personas, registry):
    content = workbook.write_workbook(user=personas.editor_a, activities=None, language="it")
    assert "Organizzazioni" not in openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    client.force_login(personas.editor_a)
    response = client.get(reverse("exchange:export"), {"language": "it"})
    assert "Organizzazioni" not in openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames


# --- the page --------------------------------------------------------------------------------------------
def test_the_dry_run_page_shows_how_rows_were_matched(client, personas, registry):
    client.force_login(personas.coordinator)
    upload = io.BytesIO(orgs_book([org(name="mais", acronym="M"), org(name="Altro nome", acronym="GTT", iati_ref="X")]))
    upload.name = "organizzazioni.xlsx"
    client.post(reverse("exchange:upload"), {"file": upload})
    run = services.ImportRun.objects.get()
    with translation.override("it"):
        page = client.get(run.get_absolute_url()).content.decode()
    assert "riconosciuta per nome" in page and "riconosciuta per sigla" in page


# --- cost ---------------------------------------------------------------------------------------------------
def test_the_dry_run_costs_the_same_queries_for_20_and_200_rows(personas, registry):
    Organisation.objects.bulk_create(Organisation(name=f"Esistente {n}", kind=OrganisationKind.NGO) for n in range(200))

    def rows(count: int) -> list[list]:
        # Half existing organisations (a changed description, a membership),
        # half new ones, each a member of the COP.
        return [
            org(name=f"Esistente {n}", description_it="Aggiornata", memberships="COP (2004)")
            if n % 2
            else org(name=f"Nuova {n}", memberships="COP (2004); Comitato per la Cittadella delle Civiltà")
            for n in range(count)
        ]

    def cost(count: int) -> int:
        content = orgs_book(rows(count))
        with CaptureQueriesContext(connection) as queries:
            run = check(personas.coordinator, content)
        assert errors_of(run) == [] and run.counts["rows"] == count
        return len(queries)

    cost(5)  # what is cached for the process
    assert cost(20) == cost(200)
