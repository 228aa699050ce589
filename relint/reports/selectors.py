"""The one assembly of the annual report's data.

`report_data(year=..., language=...)` reads everything a report of a year
says, in a fixed number of queries whatever the number of activities, and
returns a JSON-friendly dict with every text already in the edition's
language and every date and amount already formatted. The PDF (through
Typst), the HTML edition and the tests all read this dict; nothing else
queries the database for the report.

Activities are read from their accepted snapshots
(`relint.activities.serializers.activity_record`), never from the live
columns: an accepted activity under revision shows the text the coordinator
accepted (decision 10).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.db.models import Prefetch, Q
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from relint.activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    FundingProgramme,
    FundingSource,
    PartnerRole,
    SustainableDevelopmentGoal,
)
from relint.coordination.models import Decision, Meeting, MeetingState
from relint.core.models import Continent, Country, DatePrecision
from relint.departments.models import Department, TableMembership
from relint.partners.models import (
    Agreement,
    CityRelation,
    CommitteeMembership,
    Organisation,
    OrganisationKind,
    PartnerCity,
    ProfitKind,
    RatifyingBody,
    RelationKind,
    RelationState,
)
from relint.reports.models import ReportForeword

CITY_NAME = "Città di Torino"

# "Name (IT): role" and "Name: role", as activity_record writes them.
_CITY_ENTRY = re.compile(r"^(?P<name>.*) \((?P<country>[A-Z]{2})\): (?P<role>[a-z_]+)$")
# Characters that no font draws and no reader can see: shown as U+FFFD, so a
# stray control character in a text is visible in the report instead of
# silently dropped or breaking the PDF.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    return _INVISIBLE.sub("\ufffd", value or "")


def paragraphs(value: str | None) -> list[str]:
    """A text's paragraphs: blank lines separate them; single newlines stay."""
    text = clean_text(value).replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def format_date(
    value: datetime.date | str | None, precision: str = DatePrecision.DAY, language: str | None = None
) -> str:
    """A date as the edition's language writes it, to its known precision."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    if precision == DatePrecision.YEAR:
        return str(value.year)
    return _date_text(value, precision, language or translation.get_language())


@lru_cache(maxsize=4096)
def _date_text(value: datetime.date, precision: str, language: str) -> str:
    # Cached: a report formats the same few hundred dates thousands of times,
    # and Django's date formatting cost a tenth of the data assembly.
    with translation.override(language):
        text = formats.date_format(value, "F Y" if precision == DatePrecision.MONTH else "j F Y")
    # Django capitalises Italian month names; Italian prose writes them lower case.
    return text.lower() if language == "it" else text


def format_amount(value: Decimal, language: str | None = None) -> str:
    """An amount in euros with two decimals, grouped as the edition's
    language writes numbers (Django's number_format, read once per language:
    calling it for every amount cost a sixth of the data assembly)."""
    decimal, thousands = _separators(language or translation.get_language())
    text = f"{Decimal(value):,.2f}"
    return "€ " + text.translate({ord(","): thousands, ord("."): decimal})


@lru_cache(maxsize=8)
def _separators(language: str) -> tuple[str, str]:
    with translation.override(language):
        sample = formats.number_format(Decimal("1000.5"), 1, use_l10n=True, force_grouping=True)
    return sample[-2], sample[1]


def format_number(value: int) -> str:
    return formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def format_change(current: Decimal | int, previous: Decimal | int) -> str:
    """The change against the previous year, in percent, or "new"."""
    if not previous:
        return "–" if not current else _("new")
    change = (Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return f"{sign}{formats.number_format(abs(change), 1, use_l10n=True)} %"


def _period(record: dict, language: str) -> str:
    start = format_date(record.get("start_date"), record.get("start_precision") or DatePrecision.DAY, language)
    end = format_date(record.get("end_date"), record.get("end_precision") or DatePrecision.DAY, language)
    if start and end:
        return start if start == end else f"{start} – {end}"
    if start:
        return _("from %(date)s") % {"date": start}
    if end:
        return _("until %(date)s") % {"date": end}
    return _("dates not given")


def _funding_line(line: str) -> tuple[str, str, Decimal]:
    """(source, programme code, amount) of a record's "source|programme|amount"."""
    source, programme, amount = [*line.split("|"), "", "", "0"][:3]
    return source, programme, _amount(amount)


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        return Decimal("0")


@dataclass
class _Lookups:
    """Every reference table the report names, read once."""

    countries: dict[str, Country]
    cities: dict[tuple[str, str], PartnerCity]
    organisations: dict[str, Organisation]
    programmes: dict[str, FundingProgramme]
    goals: dict[int, SustainableDevelopmentGoal]
    departments: dict[str, Department]
    # Names in the edition's language, resolved once: the models' `name`
    # asks for the active language at every call.
    country_names: dict[str, str] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
    language: str = ""

    def __post_init__(self) -> None:
        self.language = translation.get_language()
        self.country_names = {code: country.name for code, country in self.countries.items()}
        self.department_names = {code: department.name for code, department in self.departments.items()}


@dataclass
class _Figures:
    """The year's totals, for the key figures and the change on the year before."""

    activities: int = 0
    departments: set = field(default_factory=set)
    cities: set = field(default_factory=set)
    countries: set = field(default_factory=set)
    organisations: set = field(default_factory=set)
    funding: Decimal = Decimal("0")
    by_source: Counter = field(default_factory=Counter)

    def add(self, record: dict, lookups: _Lookups) -> None:
        self.activities += 1
        self.departments.add(record["lead_department"])
        self.departments.update(record.get("departments") or [])
        self.countries.update(record.get("countries") or [])
        for entry in record.get("partner_cities") or []:
            match = _CITY_ENTRY.match(entry)
            if match:
                self.cities.add((match["name"], match["country"]))
                self.countries.add(match["country"])
        for entry in record.get("partner_organisations") or []:
            self.organisations.add(entry.rsplit(": ", 1)[0])
        for line in record.get("funding") or []:
            source, _programme, amount = _funding_line(line)
            self.by_source[source] += amount
        self.funding += _amount(record.get("funding_total") or "0")


def _records(year: int) -> list[dict]:
    """The accepted snapshots of the year: one query."""
    rows = Activity.objects.in_report(year).order_by().values_list("accepted_snapshot", flat=True)
    return [record for record in rows if isinstance(record, dict) and record.get("year") == year]


def _lookups() -> _Lookups:
    return _Lookups(
        countries={c.iso2: c for c in Country.objects.all()},
        cities={(c.name_it, c.country_id): c for c in PartnerCity.objects.all()},
        organisations={o.name: o for o in Organisation.objects.all()},
        programmes={p.code: p for p in FundingProgramme.objects.all()},
        goals={g.number: g for g in SustainableDevelopmentGoal.objects.all()},
        departments={
            d.code: d for d in Department.objects.select_related("delegation").prefetch_related("table_memberships")
        },
    )


def _bilingual(record: dict, name: str, english: bool) -> tuple[str, bool]:
    """The text in the edition's language, and whether it is the Italian one
    standing in for a missing English text."""
    italian = record.get(f"{name}_it") or ""
    if not english:
        return italian, False
    translated = record.get(f"{name}_en") or ""
    if translated.strip():
        return translated, False
    return italian, bool(italian.strip())


def _choice_label(choices, value: str) -> str:
    return _label(choices, value, translation.get_language())


@lru_cache(maxsize=1024)
def _label(choices, value: str, language: str) -> str:
    # Cached per language: thousands of lookups of the same few labels went
    # through gettext each time.
    try:
        with translation.override(language):
            return str(choices(value).label)
    except ValueError:
        return value


def _activity_entry(record: dict, lookups: _Lookups, english: bool) -> dict:
    language = lookups.language
    title, title_fallback = _bilingual(record, "title", english)
    description, description_fallback = _bilingual(record, "description", english)
    results, results_fallback = _bilingual(record, "results", english)
    cities = []
    for entry in record.get("partner_cities") or []:
        match = _CITY_ENTRY.match(entry)
        if not match:
            continue
        city = lookups.cities.get((match["name"], match["country"]))
        country = lookups.countries.get(match["country"])
        cities.append(
            {
                "key": f"{match['name']}|{match['country']}",
                "name": clean_text(city.name if city else match["name"]),
                "country": lookups.country_names[match["country"]] if country else match["country"],
                "role": _label(PartnerRole, match["role"], language),
            }
        )
    organisations = []
    for entry in record.get("partner_organisations") or []:
        name, _sep, role = entry.rpartition(": ")
        organisation = lookups.organisations.get(name)
        shown = organisation.name_en if english and organisation and organisation.name_en else name
        organisations.append({"name": clean_text(shown), "role": _label(PartnerRole, role, language)})
    funding = []
    for line in record.get("funding") or []:
        source, programme_code, amount = _funding_line(line)
        programme = lookups.programmes.get(programme_code)
        funding.append(
            {
                "source": _label(FundingSource, source, language),
                "programme": programme.name if programme else "",
                "amount": format_amount(amount, language),
            }
        )
    programme = lookups.programmes.get(record.get("programme") or "")
    others = [lookups.department_names[c] for c in record.get("departments") or [] if c in lookups.departments]
    countries = sorted(lookups.country_names[c] for c in record.get("countries") or [] if c in lookups.countries)
    return {
        "uid": record["uid"],
        "title": clean_text(title),
        "title_fallback": title_fallback,
        "kind": _label(ActivityKind, record.get("kind") or "", language),
        "status": _label(ActivityStatus, record.get("status") or "", language),
        "period": _period(record, language),
        "programme": programme.name if programme else "",
        "departments": others,
        "countries": countries,
        "cities": cities,
        "organisations": organisations,
        "funding": funding,
        "funding_total": format_amount(_amount(record.get("funding_total") or "0"), language) if funding else "",
        "sdgs": [{"number": n, "name": lookups.goals[n].name} for n in record.get("sdgs") or [] if n in lookups.goals],
        "description": paragraphs(description),
        "description_fallback": description_fallback,
        "results": paragraphs(results),
        "results_fallback": results_fallback,
        "is_cooperation": record.get("kind") == ActivityKind.COOPERATION,
    }


def _departments_of_year(year: int, lookups: _Lookups, leading: set[str]) -> list[Department]:
    """The chapters: the departments at the table during the year, and any
    other department that led an accepted activity, in the table's order."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def at_table(department: Department) -> bool:
        memberships: list[TableMembership] = list(department.table_memberships.all())
        return any(m.joined_on <= last and (m.left_on is None or m.left_on >= first) for m in memberships)

    chosen = [d for d in lookups.departments.values() if d.code in leading or (d.is_active and at_table(d))]
    return sorted(chosen, key=lambda d: (d.table_order, d.name_it))


def _relation_date(relation: CityRelation) -> str:
    return format_date(relation.signed_on, relation.signed_precision) if relation.signed_on else _("date unknown")


def _annex_cities(lookups: _Lookups, english: bool) -> list[dict]:
    relations = CityRelation.objects.order_by("city_id", "signed_on", "pk")
    by_city: dict[int, list[CityRelation]] = defaultdict(list)
    for relation in relations:
        by_city[relation.city_id].append(relation)
    rows = []
    for city in lookups.cities.values():
        if city.pk not in by_city:
            continue
        country = lookups.countries.get(city.country_id)
        rows.append(
            {
                "name": clean_text(city.name),
                "country": country.name if country else city.country_id,
                "relations": [
                    {
                        "kind": _choice_label(RelationKind, r.kind),
                        "signed": _relation_date(r),
                        "ratified": (
                            f"{_choice_label(RatifyingBody, r.ratified_by)}"
                            + (f", {format_date(r.ratified_on)}" if r.ratified_on else "")
                        )
                        if r.ratified_by
                        else "",
                        "state": _choice_label(RelationState, r.state),
                    }
                    for r in by_city[city.pk]
                ],
            }
        )
    return sorted(rows, key=lambda row: row["name"].casefold())


def _organisation_row(organisation: Organisation, lookups: _Lookups, english: bool) -> dict:
    country = lookups.countries.get(organisation.country_id or "")
    name = organisation.name_en if english and organisation.name_en else organisation.name
    return {
        "name": clean_text(name),
        "acronym": clean_text(organisation.acronym),
        "country": country.name if country else "",
        "members": [],
    }


def _annex_organisations(lookups: _Lookups, english: bool) -> list[dict]:
    """Partner organisations grouped as the report's annex lists them."""
    groups: list[tuple[str, object]] = [
        (_("NGOs"), lambda o: o.kind == OrganisationKind.NGO),
        (_("Committees and networks of NGOs, with their members"), lambda o: o.kind == OrganisationKind.COMMITTEE),
        (
            _("City-owned companies and bodies: PROFIT"),
            lambda o: o.kind == OrganisationKind.CITY_OWNED and o.profit_kind == ProfitKind.PROFIT,
        ),
        (
            _("City-owned companies and bodies: NO PROFIT"),
            lambda o: o.kind == OrganisationKind.CITY_OWNED and o.profit_kind != ProfitKind.PROFIT,
        ),
        (
            _("Higher-training institutes and universities"),
            lambda o: o.kind in (OrganisationKind.HIGHER_TRAINING, OrganisationKind.UNIVERSITY),
        ),
        (_("Missionary institutes"), lambda o: o.kind == OrganisationKind.MISSIONARY),
        (_("Territorial authorities"), lambda o: o.kind == OrganisationKind.TERRITORIAL),
        (_("International organisations"), lambda o: o.kind == OrganisationKind.INTERNATIONAL),
        (
            _("Companies and other organisations"),
            lambda o: o.kind in (OrganisationKind.COMPANY, OrganisationKind.OTHER),
        ),
    ]
    members: dict[int, list[CommitteeMembership]] = defaultdict(list)
    for membership in CommitteeMembership.objects.order_by("committee_id", "joined_year", "member__name"):
        members[membership.committee_id].append(membership)
    by_pk = {o.pk: o for o in lookups.organisations.values()}
    result = []
    for label, belongs in groups:
        rows = []
        for organisation in sorted(lookups.organisations.values(), key=lambda o: o.name.casefold()):
            if not belongs(organisation):
                continue
            row = _organisation_row(organisation, lookups, english)
            for membership in members.get(organisation.pk, []):
                member = by_pk.get(membership.member_id)
                if member is None:
                    continue
                since = _("since %(year)s") % {"year": membership.joined_year} if membership.joined_year else ""
                until = _("until %(year)s") % {"year": membership.left_year} if membership.left_year else ""
                row["members"].append(
                    {
                        "name": clean_text(member.name_en if english and member.name_en else member.name),
                        "years": " ".join(part for part in (since, until) if part),
                    }
                )
            rows.append(row)
        result.append({"label": label, "organisations": rows})
    return result


def _agreements(year: int, english: bool) -> list[dict]:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    agreements = (
        Agreement.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        .filter(Q(signed_on__isnull=True) | Q(signed_on__lte=last))
        .select_related("lead_department")
        .prefetch_related("parties__organisation", "parties__city")
        .order_by("signed_on", "title_it")
    )
    rows = []
    for agreement in agreements:
        title = agreement.title_en if english and agreement.title_en else agreement.title_it
        parties = []
        for party in agreement.parties.all():
            if party.organisation_id:
                org = party.organisation
                parties.append(org.name_en if english and org.name_en else org.name)
            elif party.city_id:
                parties.append(party.city.name)
        term_from = format_date(agreement.valid_from) if agreement.valid_from else ""
        term_until = format_date(agreement.valid_until) if agreement.valid_until else _("open-ended")
        rows.append(
            {
                "title": clean_text(title),
                "title_fallback": english and not agreement.title_en,
                "kind": agreement.get_kind_display(),
                "signed": format_date(agreement.signed_on, agreement.signed_precision) if agreement.signed_on else "",
                "term": f"{term_from} – {term_until}" if term_from else term_until,
                "parties": [clean_text(p) for p in parties],
                "deliberation": clean_text(agreement.deliberation_ref),
                "department": agreement.lead_department.name if agreement.lead_department else "",
            }
        )
    return rows


def _meetings(year: int, english: bool) -> list[dict]:
    """The table's meetings of the year, with the strategic decisions of their
    approved minutes that are marked public: the report is a public document,
    so it shows what the portal's page of outcomes shows, never more."""
    decisions = Decision.objects.public().strategic().order_by("pk")
    meetings = (
        Meeting.objects.for_year(year)
        .exclude(state=MeetingState.CANCELLED)
        .order_by("starts_at")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
    )
    rows = []
    for meeting in meetings:
        rows.append(
            {
                "date": format_date(translation_localtime(meeting.starts_at)),
                "title": clean_text(meeting.title),
                "place": clean_text(meeting.place),
                "state": meeting.get_state_display(),
                "decisions": [
                    {
                        "text": paragraphs(d.text_en if english and d.text_en else d.text_it),
                        "fallback": english and not d.text_en,
                    }
                    for d in meeting.decisions.all()
                ],
            }
        )
    return rows


def translation_localtime(value: datetime.datetime) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(value).date()


def _foreword(year: int, english: bool) -> dict | None:
    foreword = ReportForeword.objects.filter(year=year).first()
    if foreword is None:
        return None
    text, fallback = _bilingual({"text_it": foreword.text_it, "text_en": foreword.text_en}, "text", english)
    if not text.strip():
        return None
    return {"paragraphs": paragraphs(text), "fallback": fallback, "signed_by": clean_text(foreword.signed_by)}


def labels() -> dict[str, str]:
    """Every fixed word of the report, in the active language."""
    return {
        "report_title": _("Report on internationalization"),
        "city": CITY_NAME,
        "edition": _("Italian edition") if translation.get_language() == "it" else _("English edition"),
        "contents": _("Contents"),
        "colophon": _("Colophon"),
        "foreword": _("Foreword"),
        "no_foreword": _("No foreword was written for this year."),
        "overview": _("The year in figures"),
        "key_figures": _("Key figures"),
        "figure": _("Figure"),
        "this_year": _("%(year)s"),
        "change": _("Change"),
        "funding_by_source": _("Funding by source"),
        "source": _("Source"),
        "amount": _("Amount"),
        "total": _("Total"),
        "charts": _("Charts"),
        "map": _("Partner cities and countries of the year"),
        "departments": _("Activities by department"),
        "no_activities_department": _("The department reported no accepted activity this year."),
        "no_activities_year": _("No activity of this year has been accepted yet."),
        "kind": _("Kind"),
        "status": _("Status"),
        "dates": _("Dates"),
        "programme": _("Programme"),
        "with_departments": _("With"),
        "countries": _("Countries"),
        "partner_cities": _("Partner cities"),
        "partner_organisations": _("Partner organisations"),
        "funding": _("Funding"),
        "sdgs": pgettext("field of an activity in the report", "SDG goals"),
        "description": _("Description"),
        "results": _("Results"),
        "no_partners": _("No partner city or organisation."),
        "fallback": _("Text available in Italian only"),
        "fallback_short": pgettext("marks an Italian text in the English edition", "[IT]"),
        "cooperation": _("Decentralized cooperation"),
        "cooperation_intro": _("The decentralized cooperation projects of the year, by partner city."),
        "no_cooperation": _("No decentralized cooperation project this year."),
        "without_city": _("Without a partner city"),
        "page": _("page"),
        "annexes": _("Annexes"),
        "annex_cities": _("Partner cities and their relations"),
        "city_col": _("City"),
        "country": _("Country"),
        "relation": _("Relation"),
        "signed": _("Signed"),
        "ratified": _("Ratified"),
        "state": _("State"),
        "annex_organisations": _("Partner organisations"),
        "name": _("Name"),
        "members": _("Members"),
        "none": _("None."),
        "annex_agreements": _("Agreements in force"),
        "agreement": _("Agreement"),
        "term": _("Term"),
        "parties": _("Parties"),
        "deliberation": _("Deliberation"),
        "annex_meetings": _("Meetings of the coordination table"),
        "decisions": _("Strategic decisions"),
        "no_decisions": _("No strategic decision recorded."),
        "no_meetings": _("No meeting of the coordination table this year."),
        "annex_index": _("Index of partner cities"),
        "pages": _("Pages"),
        "colophon_text": _(
            "Published by the City of Turin, International Relations Department, on behalf of the "
            "coordination table of the City's international activities. The report accounts for every "
            "activity of the year accepted by the coordinator in the yearly reporting round."
        ),
        "generated": _("Built on"),
        "accessibility": _(
            "This PDF is tagged for accessibility (PDF/UA-1) and made for long-term archiving (PDF/A-2a). "
            "An accessible HTML edition built from the same data is also available."
        ),
        "fonts": _("Set in Titillium Web and Lora, open fonts under the SIL Open Font License."),
        "data_note": _("Data: relint, the register of the City's international relations."),
    }


def report_data(*, year: int, language: str) -> dict:
    """Everything the report of `year` in `language` says.

    A fixed number of queries: the year's and the previous year's snapshots,
    the reference tables, relations, memberships, agreements, meetings and the
    foreword.
    """
    with translation.override(language):
        return _assemble(year, language)


def _assemble(year: int, language: str) -> dict:
    english = language == "en"
    lookups = _lookups()
    records = _records(year)
    previous_records = _records(year - 1)

    figures, previous = _Figures(), _Figures()
    for record in records:
        figures.add(record, lookups)
    for record in previous_records:
        previous.add(record, lookups)

    # Chapters: activities by lead department, in title order.
    by_department: dict[str, list[dict]] = defaultdict(list)
    entries: list[dict] = []
    kinds: Counter = Counter()
    continents: Counter = Counter()
    goals: Counter = Counter()
    programmes: Counter = Counter()
    for record in records:
        entry = _activity_entry(record, lookups, english)
        entries.append(entry)
        by_department[record["lead_department"]].append(entry)
        kinds[entry["kind"]] += 1
        touched = {lookups.countries[c].continent for c in record.get("countries") or [] if c in lookups.countries}
        for city_entry in record.get("partner_cities") or []:
            match = _CITY_ENTRY.match(city_entry)
            if match and match["country"] in lookups.countries:
                touched.add(lookups.countries[match["country"]].continent)
        for continent in touched:
            continents[_choice_label(Continent, continent)] += 1
        for number in record.get("sdgs") or []:
            goals[number] += 1
        for line in record.get("funding") or []:
            source, programme_code, amount = _funding_line(line)
            programme = lookups.programmes.get(programme_code)
            key = (
                programme.name
                if programme
                else _("%(source)s, no programme") % {"source": _choice_label(FundingSource, source)}
            )
            programmes[key] += amount
    for items in by_department.values():
        items.sort(key=lambda e: e["title"].casefold())

    chapters = []
    for department in _departments_of_year(year, lookups, set(by_department)):
        chapters.append(
            {
                "code": department.code,
                "name": department.name,
                "delegation": department.delegation.name if department.delegation else "",
                "competences": paragraphs(department.competences),
                "activities": by_department.get(department.code, []),
            }
        )

    # Decentralized cooperation, grouped by partner city.
    cooperation: dict[str, dict] = {}
    without_city = []
    for entry in entries:
        if not entry["is_cooperation"]:
            continue
        if not entry["cities"]:
            without_city.append({"uid": entry["uid"], "title": entry["title"]})
        for city in entry["cities"]:
            group = cooperation.setdefault(
                city["key"], {"city": city["name"], "country": city["country"], "activities": []}
            )
            group["activities"].append({"uid": entry["uid"], "title": entry["title"], "role": city["role"]})
    cooperation_groups = sorted(cooperation.values(), key=lambda g: g["city"].casefold())
    if without_city:
        cooperation_groups.append({"city": _("Without a partner city"), "country": "", "activities": without_city})

    # The partner cities and countries of the year, for the map and the index.
    year_cities = []
    for name, country_code in sorted(figures.cities):
        city = lookups.cities.get((name, country_code))
        country = lookups.countries.get(country_code)
        year_cities.append(
            {
                "key": f"{name}|{country_code}",
                "name": clean_text(city.name if city else name),
                "country": country.name if country else country_code,
                "latitude": float(city.latitude) if city and city.latitude is not None else None,
                "longitude": float(city.longitude) if city and city.longitude is not None else None,
            }
        )
    year_cities.sort(key=lambda c: c["name"].casefold())
    year_countries = sorted(
        ({"iso2": c, "name": lookups.countries[c].name} for c in figures.countries if c in lookups.countries),
        key=lambda c: c["name"],
    )

    sources = [
        {"label": _choice_label(FundingSource, source), "amount": format_amount(amount), "value": float(amount)}
        for source, amount in sorted(figures.by_source.items(), key=lambda item: -item[1])
    ]
    key_figures = [
        (_("Activities"), figures.activities, previous.activities),
        (_("Departments involved"), len(figures.departments), len(previous.departments)),
        (_("Partner cities"), len(figures.cities), len(previous.cities)),
        (_("Countries"), len(figures.countries), len(previous.countries)),
        (_("Partner organisations"), len(figures.organisations), len(previous.organisations)),
    ]
    key_rows = [
        {
            "label": label,
            "value": format_number(now),
            "previous": format_number(before),
            "change": format_change(now, before),
        }
        for label, now, before in key_figures
    ]
    key_rows.append(
        {
            "label": _("Funding (EUR)"),
            "value": format_amount(figures.funding),
            "previous": format_amount(previous.funding),
            "change": format_change(figures.funding, previous.funding),
        }
    )

    fallback_count = sum(
        1 for e in entries if e["title_fallback"] or e["description_fallback"] or e["results_fallback"]
    )
    department_counts = [{"label": c["name"], "value": len(c["activities"])} for c in chapters if c["activities"]]
    counts = {
        "activities": figures.activities,
        "departments": len(figures.departments),
        "partner_cities": len(figures.cities),
        "countries": len(figures.countries),
        "organisations": len(figures.organisations),
        "funding_eur": str(figures.funding),
        "chapters": len(chapters),
        "english_fallbacks": fallback_count,
    }
    return {
        "year": year,
        "previous_year": year - 1,
        "language": language,
        "labels": labels(),
        "built_on": format_date(datetime.date.today()),
        "foreword": _foreword(year, english),
        "key_figures": key_rows,
        "funding_by_source": sources,
        "funding_total": format_amount(figures.funding),
        "stats": {
            "departments": department_counts,
            "kinds": [{"label": k, "value": v} for k, v in kinds.most_common()],
            "continents": [{"label": k, "value": v} for k, v in continents.most_common()],
            "programmes": [
                {"label": k, "value": float(v), "amount": format_amount(v)} for k, v in programmes.most_common()
            ],
            "sdgs": [
                {"number": n, "label": lookups.goals[n].name, "value": goals.get(n, 0)} for n in sorted(lookups.goals)
            ],
        },
        "chapters": chapters,
        "cooperation": cooperation_groups,
        "cities": year_cities,
        "countries": year_countries,
        "annex_cities": _annex_cities(lookups, english),
        "annex_organisations": _annex_organisations(lookups, english),
        "agreements": _agreements(year, english),
        "meetings": _meetings(year, english),
        "counts": counts,
        "titles": [e["title"] for e in entries],
    }
