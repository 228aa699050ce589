"""The columns of the import's sheets (activities, partner cities,
organisations, agreements): their Italian and English headers, what they
hold, and how a header in a workbook is recognised.

docs/import.md documents the same table for people; the downloadable
template and the export are written from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from relint.exchange.values import normalise


@dataclass(frozen=True)
class Column:
    key: str
    header_it: str
    header_en: str
    help: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 18

    def headers(self) -> set[str]:
        return {normalise(h) for h in (self.key, self.header_it, self.header_en, *self.aliases)}


ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column(
        "uid",
        "uid",
        "uid",
        _("Leave empty for a new activity; filled in by the export: do not change it."),
        aliases=("id", "identificativo"),
        width=38,
    ),
    Column(
        "year",
        "Anno",
        "Year",
        _("Reporting year, e.g. 2025."),
        aliases=("anno di riferimento",),
        required=True,
        width=8,
    ),
    Column(
        "lead_department",
        "Settore capofila",
        "Lead department",
        _("Code or name of the department."),
        aliases=("settore", "department", "capofila"),
        required=True,
        width=30,
    ),
    Column(
        "kind",
        "Tipologia",
        "Kind",
        _("One of the kinds in the list."),
        aliases=("tipo", "type"),
        required=True,
        width=30,
    ),
    Column(
        "title_it",
        "Titolo",
        "Title (Italian)",
        _("Title in Italian (at most 300 characters)."),
        aliases=("titolo italiano", "titolo it", "title", "title it"),
        required=True,
        width=40,
    ),
    Column(
        "title_en", "Titolo (inglese)", "Title (English)", _("Optional."), aliases=("titolo en", "title en"), width=30
    ),
    Column(
        "description_it",
        "Descrizione",
        "Description (Italian)",
        _("Optional."),
        aliases=("descrizione italiano", "description", "description it"),
        width=40,
    ),
    Column(
        "description_en",
        "Descrizione (inglese)",
        "Description (English)",
        _("Optional."),
        aliases=("description en",),
        width=30,
    ),
    Column("results_it", "Risultati", "Results (Italian)", _("Optional."), aliases=("results", "results it"), width=30),
    Column("results_en", "Risultati (inglese)", "Results (English)", _("Optional."), aliases=("results en",), width=30),
    Column(
        "status",
        "Stato",
        "Status",
        _("Planned, ongoing, completed or cancelled (default: planned)."),
        aliases=("stato di avanzamento",),
        width=14,
    ),
    Column(
        "start",
        "Inizio",
        "Start",
        _("31/12/2025, 2025-12-31, 12/2025, 2025, or a range such as 2000-2006."),
        aliases=("data inizio", "start date", "data di inizio", "periodo", "period"),
        width=12,
    ),
    Column(
        "end",
        "Fine",
        "End",
        _("As the start; empty if unknown."),
        aliases=("data fine", "end date", "data di fine"),
        width=12,
    ),
    Column(
        "programme",
        "Programma",
        "Programme",
        _("Code or name of the funding programme (FESR, Interreg...)."),
        aliases=("programma di finanziamento",),
        width=16,
    ),
    Column(
        "departments",
        "Settori partecipanti",
        "Participating departments",
        _("Codes or names, separated by semicolons."),
        aliases=("altri settori",),
        width=24,
    ),
    Column(
        "countries",
        "Paesi",
        "Countries",
        _("ISO codes or names, separated by semicolons."),
        aliases=("paese", "country"),
        width=16,
    ),
    Column(
        "partner_cities",
        "Città partner",
        "Partner cities",
        _("“City (country code): role”, separated by semicolons; e.g. “Köln (DE): partner; Lyon (FR): capofila”."),
        aliases=("citta", "cities"),
        width=30,
    ),
    Column(
        "partner_organisations",
        "Organizzazioni partner",
        "Partner organisations",
        _("“Name or acronym: role”, separated by semicolons."),
        aliases=("organizzazioni", "organisations", "partner organizations"),
        width=30,
    ),
    Column(
        "funding",
        "Finanziamenti",
        "Funding",
        _(
            "One line per source, separated by semicolons: “source | programme | amount | funder | note”, "
            "e.g. “Unione europea | FESR | € 12.000,00”."
        ),
        aliases=("fonti di finanziamento",),
        width=36,
    ),
    Column(
        "sdgs",
        "Obiettivi SDG",
        "SDGs",
        _("Numbers from 1 to 17, separated by semicolons."),
        aliases=("sdg", "obiettivi", "goals"),
        width=12,
    ),
    Column(
        "dac_sector",
        "Settore DAC",
        "DAC sector",
        _("OECD DAC 5-digit code, for cooperation projects."),
        aliases=("codice dac",),
        width=10,
    ),
    Column(
        "is_public",
        "Pubblica",
        "Public",
        _("Sì or no: shown on the public portal once accepted (default: sì)."),
        aliases=("pubblico", "visibile"),
        width=10,
    ),
)

COLUMNS_BY_KEY = {column.key: column for column in ACTIVITY_COLUMNS}
_HEADER_INDEX = {header: column for column in ACTIVITY_COLUMNS for header in column.headers()}

# The partner cities sheet: one row per relation with a city (a city with
# two relations, say a friendship pact and later a twinning, has two rows).
RELATION_COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        "id",
        "id",
        _("Leave empty for a new relation; filled in by the export: do not change it."),
        aliases=("uid", "identificativo"),
        width=8,
    ),
    Column(
        "city",
        "Città",
        "City",
        _("Name of a city of the registry, in any language, e.g. “Köln (DE)” or “Colonia”."),
        aliases=("citta partner", "partner city", "comune"),
        required=True,
        width=30,
    ),
    Column(
        "country",
        "Paese",
        "Country",
        _("ISO code or name of the city's country; optional, it narrows the search."),
        aliases=("nazione", "stato estero"),
        width=10,
    ),
    Column(
        "kind",
        "Tipo di relazione",
        "Relation kind",
        _("Twinning, friendship pact, cooperation agreement or protocol of understanding."),
        aliases=("tipo", "tipologia", "relazione", "kind", "relation"),
        required=True,
        width=30,
    ),
    Column(
        "state",
        "Stato della relazione",
        "Relation state",
        _("Active, dormant or ended (default: active)."),
        aliases=("stato", "state", "status"),
        width=14,
    ),
    Column(
        "signed",
        "Firmata il",
        "Signed on",
        _("31/12/2025, 12/2025 or 2025 when only the year is known."),
        aliases=("data di firma", "firma", "signed", "signing date"),
        width=12,
    ),
    Column(
        "ratified_by",
        "Ratificata da",
        "Ratified by",
        _("Giunta or Consiglio; empty if not ratified."),
        aliases=("ratifica", "ratifying body"),
        width=24,
    ),
    Column(
        "ratified_on",
        "Ratificata il",
        "Ratified on",
        _("Date of the ratification, day included (31/12/2025)."),
        aliases=("data di ratifica", "ratification date"),
        width=12,
    ),
    Column(
        "deliberation_ref",
        "Delibera",
        "Deliberation",
        _("Reference of the deliberation, e.g. mecc. 2019 01234/001."),
        aliases=("riferimento delibera", "deliberation reference"),
        width=20,
    ),
    Column(
        "ended_on",
        "Terminata il",
        "Ended on",
        _("Date the relation ended, day included; empty while it lasts."),
        aliases=("data di fine", "fine", "end", "ended"),
        width=12,
    ),
    Column("notes", "Note", "Notes", _("Optional; an ended relation without an end date needs one."), width=40),
    # Last, so that the letters of the older columns stay where people know them.
    Column(
        "agreement",
        "Accordo",
        "Agreement",
        _(
            "Italian title or uid of the relation's agreement, in the registry or in this workbook's agreements "
            "sheet; empty for none."
        ),
        aliases=("convenzione", "accordo firmato", "agreement title"),
        width=36,
    ),
)
RELATION_COLUMNS_BY_KEY = {column.key: column for column in RELATION_COLUMNS}
_RELATION_HEADER_INDEX = {header: column for column in RELATION_COLUMNS for header in column.headers()}

# The organisations sheet: one row per organisation, with the committees it
# belongs to (relint/exchange/organisations.py).
ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column(
        "uid",
        "uid",
        "uid",
        _("Leave empty for a new organisation; filled in by the export: do not change it."),
        aliases=("id", "identificativo"),
        width=38,
    ),
    Column(
        "name",
        "Nome",
        "Name",
        _("Name of the organisation (at most 300 characters); renaming one needs its uid."),
        aliases=("denominazione", "organizzazione", "organisation", "organization", "nome italiano"),
        required=True,
        width=40,
    ),
    Column(
        "name_en",
        "Nome (inglese)",
        "Name (English)",
        _("Optional."),
        aliases=("nome en", "name en", "english name"),
        width=30,
    ),
    Column("acronym", "Sigla", "Acronym", _("Optional, e.g. COP."), aliases=("acronimo", "abbreviation"), width=12),
    Column(
        "kind",
        "Tipologia",
        "Kind",
        _("One of the kinds in the list (NGO, committee or network, university...)."),
        aliases=("tipo", "type", "tipo di organizzazione"),
        required=True,
        width=30,
    ),
    Column(
        "profit_kind",
        "Profit / no profit",
        "Profit kind",
        _("PROFIT or NO PROFIT, for city-owned companies and bodies only; empty for every other kind."),
        aliases=("profit", "profit no profit", "natura", "scopo di lucro"),
        width=14,
    ),
    Column(
        "country",
        "Paese",
        "Country",
        _("ISO code or name of the country."),
        aliases=("nazione", "stato"),
        width=10,
    ),
    Column(
        "city",
        "Città",
        "City",
        _("A partner city of the registry, e.g. “Lione (FR)”; optional."),
        aliases=("citta partner", "partner city", "sede"),
        width=24,
    ),
    Column(
        "website",
        "Sito web",
        "Website",
        _("Address of the website, e.g. https://www.example.org."),
        aliases=("sito", "web", "url"),
        width=30,
    ),
    Column(
        "description_it",
        "Descrizione",
        "Description (Italian)",
        _("Optional."),
        aliases=("descrizione italiano", "description", "description it"),
        width=40,
    ),
    Column(
        "description_en",
        "Descrizione (inglese)",
        "Description (English)",
        _("Optional."),
        aliases=("description en",),
        width=30,
    ),
    Column(
        "iati_ref",
        "Identificativo IATI",
        "IATI identifier",
        _("IATI organisation identifier, e.g. IT-CF-97511340015."),
        aliases=("iati", "codice iati", "iati ref"),
        width=22,
    ),
    Column(
        "memberships",
        "Aderisce a",
        "Member of",
        _(
            "Committees or networks it belongs to, by name or acronym, with the years joined and left, "
            "separated by semicolons: “COP (2004); Rete X (2004-2012)”. The list replaces its memberships."
        ),
        aliases=("membro di", "comitati", "committees", "memberships"),
        width=36,
    ),
)
ORGANISATION_COLUMNS_BY_KEY = {column.key: column for column in ORGANISATION_COLUMNS}
_ORGANISATION_HEADER_INDEX = {header: column for column in ORGANISATION_COLUMNS for header in column.headers()}

# The agreements sheet: one row per agreement, with its parties.
AGREEMENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "uid",
        "uid",
        "uid",
        _("Leave empty for a new agreement; filled in by the export: do not change it."),
        aliases=("id", "identificativo"),
        width=38,
    ),
    Column(
        "kind",
        "Tipo di accordo",
        "Agreement kind",
        _("Convention, agreement, protocol of understanding or memorandum of understanding."),
        aliases=("tipo", "tipologia", "kind", "type"),
        required=True,
        width=28,
    ),
    Column(
        "title_it",
        "Titolo",
        "Title (Italian)",
        _("Title in Italian (at most 300 characters)."),
        aliases=("titolo italiano", "titolo it", "title", "title it"),
        required=True,
        width=40,
    ),
    Column(
        "title_en", "Titolo (inglese)", "Title (English)", _("Optional."), aliases=("titolo en", "title en"), width=30
    ),
    Column(
        "summary_it",
        "Sintesi",
        "Summary (Italian)",
        _("Optional."),
        aliases=("sintesi italiano", "oggetto", "summary", "summary it"),
        width=40,
    ),
    Column("summary_en", "Sintesi (inglese)", "Summary (English)", _("Optional."), aliases=("summary en",), width=30),
    Column(
        "signed",
        "Firmato il",
        "Signed on",
        _("31/12/2025, 12/2025 or 2025 when only the year is known."),
        aliases=("data di firma", "firma", "firmata il", "signed", "signing date"),
        width=12,
    ),
    Column(
        "valid_from",
        "In vigore dal",
        "In force from",
        _("First day in force, day included (31/12/2025)."),
        aliases=("valido dal", "decorrenza", "valid from"),
        width=12,
    ),
    Column(
        "valid_until",
        "In vigore fino al",
        "In force until",
        _("Last day in force, day included; not before the first day."),
        aliases=("valido fino al", "scadenza", "valid until"),
        width=12,
    ),
    Column(
        "deliberation_ref",
        "Delibera",
        "Deliberation",
        _("Reference of the approving deliberation, e.g. D.G.C. n. 2004 01234/049."),
        aliases=("riferimento delibera", "delibera di approvazione", "deliberation reference"),
        width=24,
    ),
    Column(
        "deliberation_on",
        "Data della delibera",
        "Deliberation date",
        _("Date of the deliberation, day included (31/12/2025)."),
        aliases=("delibera del", "deliberation on"),
        width=12,
    ),
    Column(
        "lead_department",
        "Settore responsabile",
        "Responsible department",
        _("Code or name of the department."),
        aliases=("settore", "settore capofila", "lead department", "department"),
        width=24,
    ),
    Column("notes", "Note", "Notes", _("Optional."), width=40),
    Column(
        "city_parties",
        "Città firmatarie",
        "Partner city parties",
        _(
            "“City (country code): signatory office”, separated by semicolons; e.g. “Köln (DE): Oberbürgermeister; "
            "Lyon (FR)”. Not the City itself: it is a party to every agreement."
        ),
        aliases=("citta", "citta partner", "city parties", "cities"),
        width=36,
    ),
    Column(
        "organisation_parties",
        "Organizzazioni firmatarie",
        "Organisation parties",
        _("“Name or acronym: signatory office”, separated by semicolons."),
        aliases=("organizzazioni", "organisations", "organization parties"),
        width=36,
    ),
)
AGREEMENT_COLUMNS_BY_KEY = {column.key: column for column in AGREEMENT_COLUMNS}
_AGREEMENT_HEADER_INDEX = {header: column for column in AGREEMENT_COLUMNS for header in column.headers()}

ACTIVITY_SHEET_NAMES = {normalise(name) for name in ("Attività", "Activities", "Attivita", "CSV")}
IGNORED_SHEET_NAMES = {normalise(name) for name in ("Istruzioni", "Instructions", "Elenchi", "Lists")}
# Sheets of the partner registry: only the coordinator may import them
# (planning.registry_readers reads them, before the activities).
RELATION_SHEET_NAMES = {normalise(name) for name in ("Città partner", "Partner cities", "Citta partner")}
ORGANISATION_SHEET_NAMES = {normalise(name) for name in ("Organizzazioni", "Organisations", "Organizations")}
AGREEMENT_SHEET_NAMES = {normalise(name) for name in ("Accordi", "Agreements")}
PARTNER_SHEET_NAMES = RELATION_SHEET_NAMES | ORGANISATION_SHEET_NAMES | AGREEMENT_SHEET_NAMES


def match_header(text, index: dict[str, Column] = _HEADER_INDEX) -> Column | None:
    if text is None:
        return None
    return index.get(normalise(str(text)))


def match_relation_header(text) -> Column | None:
    return match_header(text, _RELATION_HEADER_INDEX)


def match_organisation_header(text) -> Column | None:
    return match_header(text, _ORGANISATION_HEADER_INDEX)


def match_agreement_header(text) -> Column | None:
    return match_header(text, _AGREEMENT_HEADER_INDEX)
