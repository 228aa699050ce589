"""The organisations sheet: one row per organisation of the registry, with
the committees or networks it belongs to, matched, compared field by field
and written through `organisation_bulk_import` like the other sheets.

A row with a `uid` (written by the export) updates that organisation. A row
without one matches the organisation of the same name (accents and case
ignored) or, failing that, the only organisation with its acronym; otherwise
it is new. Renaming needs the uid: a row matched by its acronym leaves the
name as it is, and says so.

The "Member of" column, when present, replaces the committees the
organisation belongs to. A committee may be an organisation of the registry
or a row of the same sheet, above or below: the dry run resolves it against
the sheet's own names, and the commit writes the organisations before their
memberships. So every row is compared before any is written (registry sheets
are hundreds of rows; the records of each chunk of rows are still fetched
with a fixed number of queries).

Once the sheet is read, the matcher's organisations are what the commit will
have written (the dry run lists its new ones under provisional ids), so that
an activity row of the same workbook can name an organisation it adds.

The coordinator alone imports this sheet (`Planner.run` refuses it to
anyone else before reading a row).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from relint.exchange import values
from relint.exchange.columns import (
    ORGANISATION_COLUMNS,
    ORGANISATION_COLUMNS_BY_KEY,
    match_organisation_header,
)
from relint.exchange.matching import Choices, split_country, suggest
from relint.exchange.planning import CHUNK_ROWS, Desired, ImportAbortedError, RowResult
from relint.exchange.values import ValueProblemError
from relint.partners import services as partner_services
from relint.partners.models import CommitteeMembership, Organisation, OrganisationKind, ProfitKind

COMPARED_KEYS = (
    "name",
    "name_en",
    "acronym",
    "kind",
    "profit_kind",
    "country",
    "city",
    "website",
    "description_it",
    "description_en",
    "iati_ref",
)
_TEXT_KEYS = ("name_en", "acronym", "description_it", "description_en", "iati_ref")
_DEFAULTS = {
    "name_en": "",
    "acronym": "",
    "profit_kind": ProfitKind.NONE,
    "country": None,
    "city": None,
    "website": "",
    "description_it": "",
    "description_en": "",
    "iati_ref": "",
    "memberships": frozenset(),
}
# Words people write for the kinds, besides the labels and codes.
_KIND_WORDS = (
    ("ong", OrganisationKind.NGO),
    ("onlus", OrganisationKind.NGO),
    ("ngo", OrganisationKind.NGO),
    ("organizzazione non governativa", OrganisationKind.NGO),
    ("comitato", OrganisationKind.COMMITTEE),
    ("rete", OrganisationKind.COMMITTEE),
    ("rete di ong", OrganisationKind.COMMITTEE),
    ("committee", OrganisationKind.COMMITTEE),
    ("network", OrganisationKind.COMMITTEE),
    ("ente locale", OrganisationKind.TERRITORIAL),
    ("regione", OrganisationKind.TERRITORIAL),
    ("provincia", OrganisationKind.TERRITORIAL),
    ("ente partecipato", OrganisationKind.CITY_OWNED),
    ("societa partecipata", OrganisationKind.CITY_OWNED),
    ("partecipata", OrganisationKind.CITY_OWNED),
    ("alta formazione", OrganisationKind.HIGHER_TRAINING),
    ("universita", OrganisationKind.UNIVERSITY),
    ("university", OrganisationKind.UNIVERSITY),
    ("dipartimento universitario", OrganisationKind.UNIVERSITY),
    ("politecnico", OrganisationKind.UNIVERSITY),
    ("missionario", OrganisationKind.MISSIONARY),
    ("organizzazione internazionale", OrganisationKind.INTERNATIONAL),
    ("impresa", OrganisationKind.COMPANY),
    ("azienda", OrganisationKind.COMPANY),
    ("societa", OrganisationKind.COMPANY),
)
_PROFIT_WORDS = (
    ("non profit", ProfitKind.NON_PROFIT),
    ("nonprofit", ProfitKind.NON_PROFIT),
    ("senza scopo di lucro", ProfitKind.NON_PROFIT),
    ("for profit", ProfitKind.PROFIT),
    ("a scopo di lucro", ProfitKind.PROFIT),
)
# "COP (2004)", "COP (2004-2012)", "COP (-2012)" when only the year left is known.
_YEARS = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<joined>\d{4})?\s*(?:[-–—]\s*(?P<left>\d{4})?\s*)?\)$")
_TRAILING_DIGITS = re.compile(r"\([^()]*\d[^()]*\)$")


def organisation_state(organisation: Organisation, memberships=None, identity=None) -> dict:
    """An organisation's current values, in the same shape as a row's.
    `memberships` (its memberships as a member) are given by the caller,
    who fetched them for a whole chunk; `identity` names a committee."""
    state = {
        "name": organisation.name,
        "name_en": organisation.name_en,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "profit_kind": organisation.profit_kind,
        "country": organisation.country_id,
        "city": organisation.city_id,
        "website": organisation.website,
        "description_it": organisation.description_it,
        "description_en": organisation.description_en,
        "iati_ref": organisation.iati_ref,
    }
    if memberships is not None:
        identity = identity or (lambda pk: pk)
        state["memberships"] = frozenset((identity(m.committee_id), m.joined_year, m.left_year) for m in memberships)
    return state


def years_text(joined: int | None, left: int | None) -> str:
    if joined and left:
        return f" ({joined}-{left})"
    if joined:
        return f" ({joined})"
    if left:
        return f" (-{left})"
    return ""


@dataclass
class _Row:
    result: RowResult
    desired: Desired
    existing: Organisation | None = None
    current: dict = field(default_factory=dict)
    target: dict = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    seen: list[CommitteeMembership] = field(default_factory=list)


class OrganisationSheet:
    """Reads the organisations sheets of a workbook into the planner's plan,
    and writes them when the planner applies. One instance serves every such
    sheet, so that duplicates are found across sheets."""

    def __init__(self, planner):
        self.planner = planner
        self.matcher = planner.matcher
        self.kinds = Choices(_("Organisation kind"), OrganisationKind.choices)
        for word, kind in _KIND_WORDS:
            self.kinds.by_key[word] = kind
        self.profits = Choices(_("Profit kind"), ProfitKind.choices)
        for word, profit in _PROFIT_WORDS:
            self.profits.by_key[word] = profit
        self._letters: dict[str, str] = {}
        self._rows: list[_Row] = []
        self._seen_uids: dict[uuid.UUID, int] = {}
        self._seen_pks: dict[int, tuple[str, int]] = {}
        self._seen_names: dict[str, tuple[str, int]] = {}
        self._registry: tuple[dict, dict] | None = None
        # Committees by identity (an id, or a row new in the sheet): display names and kinds.
        self._names: dict = {}

    # --- display ---------------------------------------------------------------------
    def city_label(self, pk: int) -> str:
        self.matcher._city_index()
        city = self.matcher.city_objects[pk]
        return f"{city.name_it} ({city.country_id})"

    def display(self, key: str, value) -> str:
        if value is None or value == "" or value == frozenset():
            return ""
        if key == "city":
            return self.city_label(value)
        if key == "kind":
            return str(OrganisationKind(value).label)
        if key == "profit_kind":
            return str(ProfitKind(value).label)
        if key == "memberships":
            return "; ".join(
                sorted(
                    (self._names[identity] + years_text(joined, left) for identity, joined, left in value),
                    key=values.normalise,
                )
            )
        return str(value)

    def _countries(self) -> dict:
        return {country.iso2: country for country in self.matcher.countries.values()}

    def _cell(self, key: str) -> str:
        return f"{self._letters.get(key, '?')} ({ORGANISATION_COLUMNS_BY_KEY[key].header_it})"

    def _identity(self, pk: int):
        """An organisation as the plan names it: new in this import, by its
        row (its id differs between the dry run and the commit)."""
        return self.matcher.new_organisations.get(pk, pk)

    # --- reading ---------------------------------------------------------------------
    def read(self, sheet) -> None:
        planner = self.planner
        header = None
        self._letters = {}
        self._rows = []
        chunk: list[tuple[dict, RowResult]] = []
        for number, cells in sheet.rows:
            if header is None:
                if number > 5:
                    break
                found = {index: match_organisation_header(cell) for index, cell in enumerate(cells)}
                if sum(1 for column in found.values() if column) >= 2:
                    header = planner._header(sheet, number, cells, found, template=ORGANISATION_COLUMNS)
                    if header is None:
                        return
                    self._letters = dict(planner._letters)
                continue
            problems = [p for p in sheet.problems if p.row == number]
            sheet.problems[:] = [p for p in sheet.problems if p.row != number]
            if all(values.is_blank(cell) for cell in cells) and not problems:
                continue
            raw = {column.key: (cells[index] if index < len(cells) else None) for index, column in header.items()}
            result = RowResult(sheet=sheet.name, row=number)
            for problem in problems:
                result.error(planner._column_name(header, problem.column), problem.message)
            chunk.append((raw, result))
            if len(chunk) >= CHUNK_ROWS:
                self._chunk(chunk)
                chunk = []
        if header is None:
            planner.plan.warnings.append(
                _("Sheet “%(sheet)s”: no row of column headers found in its first five rows.") % {"sheet": sheet.name}
            )
            return
        if chunk:
            self._chunk(chunk)
        self._finish(sheet.name)

    def _parse(self, raw: dict, result: RowResult) -> Desired:
        desired = Desired()

        def attempt(key: str, parse):
            if key not in raw:
                return
            try:
                desired.values[key] = parse(raw[key])
            except ValueProblemError as problem:
                result.error(self._cell(key), str(problem))

        def required(parse):
            def wrapped(value):
                if values.is_blank(value):
                    raise ValueProblemError(_("This cell is required."))
                return parse(value)

            return wrapped

        def optional(parse, empty=None):
            return lambda value: empty if values.is_blank(value) else parse(values.as_text(value))

        if not values.is_blank(raw.get("uid")):
            try:
                desired.uid = uuid.UUID(values.as_text(raw["uid"]))
                result.uid = str(desired.uid)
            except ValueError:
                result.error(
                    self._cell("uid"),
                    _("“%(value)s” is not a uid written by relint's export.")
                    % {"value": values.as_text(raw["uid"])[:50]},
                )
        attempt("name", required(values.as_text))
        for key in _TEXT_KEYS:
            attempt(key, values.as_text)
        attempt("kind", required(lambda v: self.kinds.match(values.as_text(v))))
        attempt("profit_kind", optional(self.profits.match, ProfitKind.NONE))
        attempt("country", optional(lambda text: self.matcher.country(text).iso2))
        attempt("city", optional(lambda text: self._city(text, desired.values.get("country"))))
        attempt("website", optional(_website, ""))
        attempt("memberships", lambda v: tuple(_membership(item) for item in values.split_list(v)))
        result.title = desired.values.get("name", "") or ""
        return desired

    def _city(self, text: str, country: str | None) -> int:
        """A partner city of the registry (never created). A city written
        without its country code is looked for in the country column's
        country; with one ("Lione (FR)"), in that country: an organisation
        may be based abroad in a partner city of another country's network."""
        ref = split_country(text)
        if country and not ref.country:
            text = f"{ref.name} ({country})"
        return self.matcher.city(text).pk

    def _registry_names(self) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
        """The registry's organisations by normalised name and by acronym
        (one query for the import)."""
        if self._registry is None:
            by_name: dict[str, set[int]] = {}
            by_acronym: dict[str, set[int]] = {}
            for pk, name, acronym in Organisation.objects.values_list("pk", "name", "acronym"):
                by_name.setdefault(values.normalise(name), set()).add(pk)
                if values.normalise(acronym):
                    by_acronym.setdefault(values.normalise(acronym), set()).add(pk)
            self._registry = by_name, by_acronym
        return self._registry

    # --- a chunk of rows: matched and compared, memberships aside ----------------------
    def _chunk(self, chunk: list[tuple[dict, RowResult]]) -> None:
        by_name, by_acronym = self._registry_names()
        parsed = [(result, self._parse(raw, result)) for raw, result in chunk]
        uids = [desired.uid for _r, desired in parsed if desired.uid]
        wanted: set[int] = set()
        for _result, desired in parsed:
            if desired.uid:
                continue
            wanted |= by_name.get(values.normalise(desired.values.get("name") or ""), set())
            wanted |= by_acronym.get(values.normalise(desired.values.get("acronym") or ""), set())
        found = list(Organisation.objects.filter(Q(uid__in=uids) | Q(pk__in=wanted))) if uids or wanted else []
        by_uid = {organisation.uid: organisation for organisation in found}
        by_pk = {organisation.pk: organisation for organisation in found}
        held: dict[int, list[CommitteeMembership]] = {}
        if found:
            for membership in CommitteeMembership.objects.filter(member__in=found).order_by("pk"):
                held.setdefault(membership.member_id, []).append(membership)
        for result, desired in parsed:
            row = _Row(result=result, desired=desired)
            if desired.uid:
                row.existing = by_uid.get(desired.uid)
                result.match = "uid"
                if row.existing is None and result.action != "error":
                    result.error(
                        self._cell("uid"), _("No organisation has this uid: leave it empty for a new organisation.")
                    )
            elif result.action != "error":
                self._match(row, by_name, by_acronym, by_pk)
            if row.existing is not None:
                row.seen = held.get(row.existing.pk, [])
            if result.action != "error":
                self._duplicates(row)
            if result.action != "error":
                self._compare(row, by_name)
            self._rows.append(row)
        self.planner._done += len(chunk)
        if self.planner.progress:
            self.planner.progress(self.planner._done)

    def _match(self, row: _Row, by_name: dict, by_acronym: dict, by_pk: dict) -> None:
        result, desired = row.result, row.desired
        candidates = by_name.get(values.normalise(desired.values.get("name") or ""), set())
        if len(candidates) > 1:
            result.error(
                self._cell("name"),
                _("%(count)d organisations have this name: add the uid column.") % {"count": len(candidates)},
            )
            return
        if candidates:
            row.existing = by_pk[next(iter(candidates))]
            result.match = "name"
        else:
            acronym = values.normalise(desired.values.get("acronym") or "")
            candidates = by_acronym.get(acronym, set()) if acronym else set()
            if len(candidates) != 1:
                return
            row.existing = by_pk[next(iter(candidates))]
            result.match = "acronym"
            if values.normalise(desired.values["name"]) != values.normalise(row.existing.name):
                self.planner.plan.warnings.append(
                    _(
                        "Sheet “%(sheet)s”, row %(row)d: “%(name)s” was matched by its acronym to “%(existing)s”, "
                        "whose name is left as it is (renaming needs the uid)."
                    )
                    % {
                        "sheet": result.sheet,
                        "row": result.row,
                        "name": desired.values["name"],
                        "existing": row.existing.name,
                    }
                )
        result.uid = str(row.existing.uid)

    def _duplicates(self, row: _Row) -> None:
        result, desired = row.result, row.desired

        def where(seen: tuple[str, int]) -> dict:
            return {"row": seen[1], "sheet": seen[0]}

        def message(same_sheet: str, other_sheet: str, seen: tuple[str, int]) -> str:
            return (same_sheet if seen[0] == result.sheet else other_sheet) % where(seen)

        if desired.uid:
            if desired.uid in self._seen_uids:
                result.error(
                    self._cell("uid"),
                    _("Duplicate row: the same uid as row %(row)d.") % {"row": self._seen_uids[desired.uid]},
                )
                return
            self._seen_uids[desired.uid] = result.row
        if row.existing is not None:
            seen = self._seen_pks.get(row.existing.pk)
            if seen:
                result.error(
                    self._cell("name"),
                    message(
                        _("Duplicate row: row %(row)d is the same organisation."),
                        _("Duplicate row: row %(row)d of sheet “%(sheet)s” is the same organisation."),
                        seen,
                    ),
                )
                return
            self._seen_pks[row.existing.pk] = (result.sheet, result.row)
        name = values.normalise(desired.values.get("name") or "")
        if result.match == "acronym" or not name:
            return
        seen = self._seen_names.get(name)
        if seen:
            result.error(
                self._cell("name"),
                message(
                    _("Duplicate row: row %(row)d has the same name."),
                    _("Duplicate row: row %(row)d of sheet “%(sheet)s” has the same name."),
                    seen,
                ),
            )
            return
        self._seen_names[name] = (result.sheet, result.row)

    def _compare(self, row: _Row, by_name: dict) -> None:
        result, desired, existing = row.result, row.desired, row.existing
        fields = {key: value for key, value in desired.values.items() if key != "memberships"}
        if existing is None:
            row.current = {}
            row.target = {**_DEFAULTS, **fields}
            row.target.pop("memberships")
        else:
            row.current = organisation_state(existing)
            row.target = {**row.current, **fields}
            if result.match == "acronym":
                row.target["name"] = existing.name
        name = values.normalise(row.target["name"])
        others = by_name.get(name, set()) - ({existing.pk} if existing else set())
        if others:
            result.error(
                self._cell("name"),
                _("Another organisation is already named “%(name)s”.") % {"name": row.target["name"]},
            )
        row.changed = [key for key in COMPARED_KEYS if existing is not None and row.target[key] != row.current[key]]
        if existing is None or row.changed:
            self._validate(result, row.target, existing or Organisation())

    def _validate(self, result: RowResult, target: dict, base: Organisation) -> None:
        """The model's rules (lengths, NUL, choices, the website's address,
        PROFIT / NO PROFIT for city-owned bodies only), without a query."""
        probe = self._probe(target, base)
        try:
            partner_services.organisation_check(probe)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = self._cell(name) if name in ORGANISATION_COLUMNS_BY_KEY else _("row")
                result.error(column, " ".join(messages))

    def _probe(self, target: dict, base: Organisation) -> Organisation:
        probe = Organisation(**{f.attname: getattr(base, f.attname) for f in Organisation._meta.concrete_fields})
        for name, value in model_fields(target, COMPARED_KEYS).items():
            setattr(probe, name, value)
        return probe

    # --- the whole sheet: memberships, then the plan and the writes --------------------
    def _finish(self, sheet_name: str) -> None:
        rows = self._rows
        tiers, kinds = self._committees(rows)
        for row in rows:
            if "memberships" in row.desired.values:
                self._memberships(row, tiers, kinds)
        self._demotions(rows)
        writes = []
        for row in rows:
            result = row.result
            if result.action != "error":
                if row.existing is None:
                    result.action = "new"
                else:
                    self._changes(row)
            if self.planner.apply and result.action in ("new", "changed"):
                writes.append(row)
            self.planner._record(result)
        if self.planner.apply:
            if writes:
                self._write(writes)
        else:
            self._plan_for_later_sheets(rows)
        self._rows = []

    def _row_identity(self, row: _Row):
        if row.existing is not None:
            return self._identity(row.existing.pk)
        return ("row", row.result.sheet, row.result.row)

    def _committees(self, rows: list[_Row]) -> tuple[tuple[dict, dict], dict]:
        """Every organisation a membership may name, by normalised name (first
        tier) and by English name or acronym (second): the registry's, as
        this sheet leaves them, and the sheet's new ones; and their kinds."""
        by_name: dict[str, set] = {}
        by_other: dict[str, set] = {}
        kinds: dict = {}

        def add(identity, name: str, name_en: str, acronym: str, kind: str) -> None:
            self._names[identity] = name
            kinds[identity] = kind
            by_name.setdefault(values.normalise(name), set()).add(identity)
            for other in (name_en, acronym):
                if values.normalise(other):
                    by_other.setdefault(values.normalise(other), set()).add(identity)

        self.matcher._organisation_index()
        for organisation in self.matcher.organisation_objects.values():
            add(
                self._identity(organisation.pk),
                organisation.name,
                organisation.name_en,
                organisation.acronym,
                organisation.kind,
            )
        for row in rows:
            if row.result.action == "error":
                continue
            target = row.target
            add(self._row_identity(row), target["name"], target["name_en"], target["acronym"], target["kind"])
        return (by_name, by_other), kinds

    def _memberships(self, row: _Row, tiers: tuple[dict, dict], kinds: dict) -> None:
        result = row.result
        mine = self._row_identity(row) if result.action != "error" or row.existing is not None else None
        wanted: dict = {}
        problems: list[str] = []
        for item in row.desired.values["memberships"]:
            name, joined, left = item
            try:
                identity = self._resolve(name, tiers)
            except ValueProblemError as problem:
                problems.append(str(problem))
                continue
            if identity == mine:
                problems.append(_("“%(name)s”: an organisation cannot be a member of itself.") % {"name": name})
                continue
            if identity in wanted:
                problems.append(_("“%(name)s” is listed twice.") % {"name": name})
                continue
            probe = CommitteeMembership(joined_year=joined, left_year=left)
            try:
                partner_services.membership_check(probe, committee_kind=kinds[identity])
            except ValidationError as error:
                problems.append(f"“{name}”: " + " ".join(error.messages))
                continue
            wanted[identity] = (identity, joined, left)
        if problems:
            result.error(self._cell("memberships"), " ".join(problems))
            return
        if result.action == "error":
            return
        row.target["memberships"] = frozenset(wanted.values())
        row.current["memberships"] = frozenset(
            (self._identity(m.committee_id), m.joined_year, m.left_year) for m in row.seen
        )
        if row.existing is not None and row.target["memberships"] != row.current["memberships"]:
            row.changed.append("memberships")

    def _resolve(self, name: str, tiers: tuple[dict, dict]):
        """A committee named in a membership: by name, then by English name
        or acronym; never guessed."""
        key = values.normalise(name)
        for index in tiers:
            found = index.get(key, set())
            if len(found) == 1:
                return next(iter(found))
            if len(found) > 1:
                raise ValueProblemError(
                    _("Organisation “%(name)s” is ambiguous: it could be %(options)s. Write its full name.")
                    % {"name": name, "options": "; ".join(sorted(self._names[i] for i in found))}
                )
        candidates = {values.normalise(self._names[i]): self._names[i] for ids in tiers[0].values() for i in ids}
        for acronym, ids in tiers[1].items():
            if len(ids) == 1:
                candidates.setdefault(acronym, self._names[next(iter(ids))])
        suggestions = suggest(name, candidates)
        if suggestions:
            return_problem = _("Committee “%(name)s” not found; did you mean: %(suggestions)s?") % {
                "name": name,
                "suggestions": "; ".join(suggestions),
            }
        else:
            return_problem = _("Committee “%(name)s” not found.") % {"name": name}
        raise ValueProblemError(
            return_problem + " " + _("Add it to the registry, or as a row of this sheet, or correct the name.")
        )

    def _demotions(self, rows: list[_Row]) -> None:
        """A committee this sheet turns into another kind cannot keep members
        (unless the sheet also removes them)."""
        demoted = {
            row.existing.pk: row
            for row in rows
            if row.result.action != "error"
            and row.existing is not None
            and row.existing.kind == OrganisationKind.COMMITTEE
            and row.target["kind"] != OrganisationKind.COMMITTEE
        }
        if not demoted:
            return
        replacing = {
            row.existing.pk: row.target.get("memberships", frozenset())
            for row in rows
            if row.existing is not None and "memberships" in row.desired.values
        }
        kept: dict[int, list[str]] = {}
        memberships = CommitteeMembership.objects.filter(committee__in=demoted).select_related("member")
        for membership in memberships:
            identity = self._identity(membership.committee_id)
            if membership.member_id in replacing and not any(
                item[0] == identity for item in replacing[membership.member_id]
            ):
                continue
            kept.setdefault(membership.committee_id, []).append(membership.member.name)
        for pk, members in kept.items():
            demoted[pk].result.error(
                self._cell("kind"),
                _("Only a committee or network can have members, and this one has: %(members)s.")
                % {"members": "; ".join(sorted(members))},
            )

    def _changes(self, row: _Row) -> None:
        result = row.result
        if not row.changed:
            result.action = "unchanged"
            return
        result.changed(row.changed, row.current, row.target)
        result.diffs = [
            {
                "field": str(ORGANISATION_COLUMNS_BY_KEY[key].header_it),
                "field_en": str(ORGANISATION_COLUMNS_BY_KEY[key].header_en),
                "old": self.display(key, row.current[key]),
                "new": self.display(key, row.target[key]),
            }
            for key in row.changed
        ]

    def _plan_for_later_sheets(self, rows: list[_Row]) -> None:
        """Dry run: the matcher sees the organisations as the commit will
        have written them, new ones under provisional (negative) ids."""
        planned: dict[int, Organisation] = {}
        for row in rows:
            if row.result.action == "new":
                pk = -1 - len(self.matcher.new_organisations)
                probe = self._probe(row.target, Organisation())
                probe.pk = pk
                self.matcher.new_organisations[pk] = self._row_identity(row)
                planned[pk] = probe
            elif row.result.action == "changed" and {"name", "name_en", "acronym", "kind"} & set(row.changed):
                planned[row.existing.pk] = self._probe(row.target, row.existing)
        if planned:
            self.matcher.organisations_changed(planned)

    # --- writing ---------------------------------------------------------------------
    def _write(self, writes: list[_Row]) -> None:
        index_of = {self._row_identity(row): index for index, row in enumerate(writes) if row.existing is None}
        real = {token: pk for pk, token in self.matcher.new_organisations.items()}
        self.matcher._organisation_index()
        self.matcher._city_index()
        items = []
        for row in writes:
            memberships = None
            if "memberships" in row.changed or (row.existing is None and row.target.get("memberships")):
                memberships = []
                for identity, joined, left in sorted(row.target["memberships"], key=repr):
                    wish = partner_services.ImportedMembership(joined_year=joined, left_year=left)
                    if identity in index_of:
                        wish.new_committee = index_of[identity]
                    else:
                        pk = real.get(identity, identity)
                        wish.committee = self.matcher.organisation_objects[pk]
                    memberships.append(wish)
            keys = COMPARED_KEYS if row.existing is None else [key for key in row.changed if key in COMPARED_KEYS]
            fields = model_fields(row.target, keys)
            # The service takes records, as the form gives them; matched already.
            if "country_id" in fields:
                fields["country"] = self._countries().get(fields.pop("country_id"))
            if "city_id" in fields:
                city = fields.pop("city_id")
                fields["city"] = self.matcher.city_objects[city] if city else None
            items.append(
                partner_services.ImportedOrganisation(
                    fields=fields, organisation=row.existing, memberships=memberships, seen_memberships=row.seen
                )
            )
        try:
            saved = partner_services.organisation_bulk_import(user=self.planner.user, items=items)
        except partner_services.PartnerImportError as failure:
            result = writes[failure.index].result
            detail = "; ".join(getattr(failure.error, "messages", None) or [str(failure.error)])
            raise ImportAbortedError(
                _("Sheet “%(sheet)s”, row %(row)d: %(message)s")
                % {"sheet": result.sheet, "row": result.row, "message": detail}
            ) from failure
        for row, organisation in zip(writes, saved, strict=True):
            if row.existing is None:
                row.result.uid = str(organisation.uid)
                self.matcher.new_organisations[organisation.pk] = self._row_identity(row)
        # The activities sheet, read next, finds the organisations written here.
        self.matcher.organisations_changed()


def model_fields(target: dict, keys) -> dict:
    """Organisation fields (as `organisation_bulk_import` takes them)."""
    fields: dict = {}
    for key in keys:
        if key == "country":
            fields["country_id"] = target["country"]
        elif key == "city":
            fields["city_id"] = target["city"]
        else:
            fields[key] = target[key]
    return fields


def _website(text: str) -> str:
    # As the registry's form reads it: "www.example.org" is https://www.example.org.
    return text if "://" in text else f"https://{text}"


def _membership(item: str) -> tuple[str, int | None, int | None]:
    match = _YEARS.match(item)
    if match and (match.group("joined") or match.group("left")):
        joined, left = match.group("joined"), match.group("left")
        return match.group("name").strip(), int(joined) if joined else None, int(left) if left else None
    if _TRAILING_DIGITS.search(item):
        raise ValueProblemError(
            _("“%(item)s”: write the years as “(2004)”, or “(2004-2012)” with the year it left.") % {"item": item[:80]}
        )
    return item.strip(), None, None


def export_rows(planner, organisations) -> list[list]:
    """The rows of the organisations sheet for `organisations` (with their
    `committee_memberships` and committees prefetched), written as the
    importer reads them."""
    sheet = OrganisationSheet(planner)
    rows = []
    for organisation in organisations:
        state = organisation_state(organisation)
        memberships = sorted(organisation.committee_memberships.all(), key=lambda m: values.normalise(m.committee.name))
        row = []
        for column in ORGANISATION_COLUMNS:
            if column.key == "uid":
                row.append(str(organisation.uid))
            elif column.key == "memberships":
                row.append("; ".join(m.committee.name + years_text(m.joined_year, m.left_year) for m in memberships))
            else:
                row.append(sheet.display(column.key, state[column.key]))
        rows.append(row)
    return rows
