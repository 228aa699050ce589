"""The dry run and the commit of an activities workbook, row by row.

`plan_import` reads an opened `Source`, matches every row to an existing
activity (by its uid, or by year, lead department and Italian title) and
says what would happen: new, changed (field by field), unchanged, or an
error named by sheet, row and column. With `apply=True` it also writes each
chunk's new and changed rows with one call to `activity_bulk_import` (a fixed
number of queries per chunk); the caller wraps it in one transaction and
rolls everything back on the first problem.

Rows are handled in chunks: the records a chunk refers to are fetched with a
fixed number of queries, and nothing but counts and the (capped) details
outlives a chunk, so memory stays flat in the number of rows.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from relint.activities import services as activity_services
from relint.activities.models import (
    Activity,
    ActivityKind,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    ActivityStatus,
    FundingLine,
    FundingSource,
    PartnerRole,
)
from relint.core.models import DatePrecision
from relint.departments import permissions
from relint.exchange import values
from relint.exchange.columns import (
    ACTIVITY_COLUMNS,
    ACTIVITY_SHEET_NAMES,
    AGREEMENT_SHEET_NAMES,
    COLUMNS_BY_KEY,
    IGNORED_SHEET_NAMES,
    ORGANISATION_SHEET_NAMES,
    PARTNER_SHEET_NAMES,
    RELATION_SHEET_NAMES,
    Column,
    match_header,
)
from relint.exchange.matching import Choices, Matcher
from relint.exchange.reading import FileRefusedError, Source, column_letter
from relint.exchange.values import ValueProblemError

CHUNK_ROWS = 500
# Rows of each kind kept in the stored dry run; the counts are always complete.
MAX_DETAILS = 1000

SCALAR_KEYS = (
    "year",
    "lead_department",
    "kind",
    "title_it",
    "title_en",
    "description_it",
    "description_en",
    "results_it",
    "results_en",
    "status",
    "start",
    "end",
    "programme",
    "dac_sector",
    "is_public",
)
RELATION_KEYS = ("departments", "countries", "partner_cities", "partner_organisations", "funding", "sdgs")
_TEXT_KEYS = ("title_it", "title_en", "description_it", "description_en", "results_it", "results_en", "dac_sector")
_ROLE_WORDS = (("capofila", "lead"), ("finanziatore", "funder"), ("attuatore", "implementer"))


class ImportAbortedError(Exception):
    """Raised inside the commit's transaction: everything is rolled back."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowResult:
    sheet: str
    row: int
    action: str = "unchanged"  # new, changed, unchanged, error
    uid: str = ""
    title: str = ""
    match: str = ""  # uid, title
    diffs: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    changed_keys: list[str] = field(default_factory=list)
    # The changed values, language-free (`canonical`): what the commit's plan
    # must repeat. The diffs hold labels in the reader's language.
    fingerprint: list = field(default_factory=list)

    def changed(self, keys: list[str], current: dict, target: dict) -> None:
        self.action = "changed"
        self.changed_keys = keys
        self.fingerprint = [[key, canonical(current[key]), canonical(target[key])] for key in keys]

    def error(self, column: str, message: str) -> None:
        self.action = "error"
        self.errors.append({"column": column, "message": message})

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "action": self.action,
            "uid": self.uid,
            "title": self.title,
            "match": self.match,
            "diffs": self.diffs,
            "errors": self.errors,
        }


def canonical(value):
    """`value` in a form that `json.dumps` writes the same way in every
    process and language: sets sorted (string hashes vary between
    processes), dates and decimals as text."""
    if isinstance(value, frozenset | set):
        return sorted((canonical(item) for item in value), key=repr)
    if isinstance(value, tuple | list):
        return [canonical(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _stable_organisations(fingerprint: list, tokens: dict[int, tuple]) -> list:
    """A row's changed partners, funders or parties as the plan records
    them, an organisation new in this workbook named by its row rather than
    its id: provisional in the dry run, the real one in the commit."""
    if not tokens:
        return fingerprint

    def stable(key: str, value):
        if key in ("partner_organisations", "organisation_parties"):
            return sorted(([tokens.get(pk, pk), role] for pk, role in value), key=repr)
        if key == "funding":
            return sorted(([*line[:2], tokens.get(line[2], line[2]), *line[3:]] for line in value), key=repr)
        return value

    return [[key, stable(key, old), stable(key, new)] for key, old, new in fingerprint]


@dataclass
class Plan:
    counts: dict = field(default_factory=lambda: {"rows": 0, "new": 0, "changed": 0, "unchanged": 0, "errors": 0})
    rows: list[dict] = field(default_factory=list)
    sheets: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    omitted: dict = field(default_factory=lambda: {"new": 0, "changed": 0, "error": 0})
    digest: str = ""

    def report(self, source: Source) -> dict:
        return {
            "format": source.file_format,
            "encoding": source.encoding_note,
            "sheets": self.sheets,
            "warnings": self.warnings,
            "rows": self.rows,
            "omitted": self.omitted,
        }


@dataclass
class Desired:
    """What a row says an activity should be: comparable values by key."""

    values: dict = field(default_factory=dict)
    uid: uuid.UUID | None = None


def _state_of(activity: Activity) -> dict:
    """An activity's current values, in the same shape as a row's."""
    return {
        "year": activity.year,
        "lead_department": activity.lead_department_id,
        "kind": activity.kind,
        "title_it": activity.title_it,
        "title_en": activity.title_en,
        "description_it": activity.description_it,
        "description_en": activity.description_en,
        "results_it": activity.results_it,
        "results_en": activity.results_en,
        "status": activity.status,
        "start": (activity.start_date, activity.start_precision) if activity.start_date else None,
        "end": (activity.end_date, activity.end_precision) if activity.end_date else None,
        "programme": activity.programme_id,
        "dac_sector": activity.dac_sector,
        "is_public": activity.is_public,
        "departments": frozenset(d.pk for d in activity.departments.all()),
        "countries": frozenset(c.iso2 for c in activity.countries.all()),
        "partner_cities": frozenset((link.city_id, link.role) for link in activity.city_links.all()),
        "partner_organisations": frozenset(
            (link.organisation_id, link.role) for link in activity.organisation_links.all()
        ),
        "funding": tuple(
            sorted(
                (line.source, line.programme_id or 0, line.funder_id or 0, line.amount, line.note)
                for line in activity.funding_lines.all()
            )
        ),
        "sdgs": frozenset(g.number for g in activity.sdgs.all()),
    }


_DEFAULTS = {
    "title_en": "",
    "description_it": "",
    "description_en": "",
    "results_it": "",
    "results_en": "",
    "status": ActivityStatus.PLANNED,
    "start": None,
    "end": None,
    "programme": None,
    "dac_sector": "",
    "is_public": True,
    "departments": frozenset(),
    "countries": frozenset(),
    "partner_cities": frozenset(),
    "partner_organisations": frozenset(),
    "funding": (),
    "sdgs": frozenset(),
}


def format_date(value) -> str:
    if value is None:
        return ""
    date, precision = value
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return f"{date.month:02d}/{date.year}"
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


def format_amount(amount: Decimal) -> str:
    """Italian format: 1.234,56."""
    whole, _dot, cents = f"{amount:,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{cents}"


class Planner:
    def __init__(self, *, user, apply: bool = False, progress: Callable[[int], None] | None = None):
        self.user = user
        self.apply = apply
        self.progress = progress
        self.matcher = Matcher()
        self.roles = permissions.roles_of(user)
        self.kinds = Choices(_("Kind"), ActivityKind.choices)
        self.statuses = Choices(_("Status"), ActivityStatus.choices)
        self.partner_roles = Choices(_("Role"), PartnerRole.choices)
        for word, role in _ROLE_WORDS:
            self.partner_roles.by_key[word] = role
        self.sources = Choices(_("Funding source"), FundingSource.choices)
        self.department_by_id = {d.pk: d for d in self.matcher.departments.values()}
        self.programme_by_id = {p.pk: p for p in self.matcher.programmes.values()}
        self.plan = Plan()
        self._digest = hashlib.sha256()
        self._seen_uids: dict[uuid.UUID, int] = {}
        self._seen_keys: dict[bytes, int] = {}
        self._done = 0
        self._kept = {"new": 0, "changed": 0, "error": 0}

    # --- display ---------------------------------------------------------------
    def display(self, key: str, value) -> str:
        if value is None or value == "" or value == frozenset() or value == ():
            return ""
        if key in ("start", "end"):
            return format_date(value)
        if key == "lead_department":
            return self.department_by_id[value].code
        if key == "departments":
            return "; ".join(sorted(self.department_by_id[pk].code for pk in value))
        if key == "programme":
            return self.programme_by_id[value].code
        if key in ("countries", "sdgs"):
            return "; ".join(str(item) for item in sorted(value))
        if key == "is_public":
            return _("yes") if value else _("no")
        if key == "kind":
            return str(ActivityKind(value).label)
        if key == "status":
            return str(ActivityStatus(value).label)
        if key == "partner_cities":
            self.matcher._city_index()
            cities = self.matcher.city_objects
            return "; ".join(
                sorted(
                    f"{cities[pk].name_it} ({cities[pk].country_id}): {PartnerRole(role).label}" for pk, role in value
                )
            )
        if key == "partner_organisations":
            self.matcher._organisation_index()
            organisations = self.matcher.organisation_objects
            return "; ".join(sorted(f"{organisations[pk].name}: {PartnerRole(role).label}" for pk, role in value))
        if key == "funding":
            return "; ".join(self.funding_text(line) for line in value)
        return str(value)

    def funding_text(self, line) -> str:
        source, programme_id, funder_id, amount, note = line
        self.matcher._organisation_index()
        parts = [
            str(FundingSource(source).label),
            self.programme_by_id[programme_id].code if programme_id else "",
            "€ " + format_amount(amount),
            self.matcher.organisation_objects[funder_id].name if funder_id else "",
            note,
        ]
        while parts and not parts[-1]:
            parts.pop()
        return " | ".join(parts)

    # --- reading -----------------------------------------------------------------
    def run(self, source: Source) -> Plan:
        readers = registry_readers(self)
        registry = [s for s in source.sheets if values.normalise(s.name) in PARTNER_SHEET_NAMES]
        if registry and not self.roles.coordinator:
            self._refuse_partner_sheets(registry)
        # The registry's sheets first, in the order of `registry_readers`:
        # a row may name a record that an earlier sheet of the same file adds
        # (an agreement's party, an activity's partner organisation).
        if self.roles.coordinator:
            for names, reader in readers:
                for sheet in registry:
                    if values.normalise(sheet.name) in names:
                        reader.read(sheet)
        for sheet in source.sheets:
            if values.normalise(sheet.name) not in PARTNER_SHEET_NAMES:
                self._sheet(sheet)
        self.plan.digest = self._digest.hexdigest()
        return self.plan

    def _refuse_partner_sheets(self, sheets) -> None:
        """Refuse the whole file, before any activity row is read, when a
        partner sheet holds rows: only the coordinator changes the registry.
        A partner sheet with its headers alone (the coordinator's template,
        forwarded to a department) is skipped with a warning."""
        filled = []
        for sheet in sheets:
            rows = sum(1 for _number, cells in sheet.rows if not all(values.is_blank(cell) for cell in cells))
            if rows > 1:
                filled.append(sheet.name)
            else:
                self.plan.warnings.append(_("Sheet “%(sheet)s” has no rows: it was not read.") % {"sheet": sheet.name})
        if filled:
            raise FileRefusedError(
                _(
                    "Only the coordinator imports the partner registry: remove the sheet %(sheets)s "
                    "and upload the file again."
                )
                % {"sheets": ", ".join(f"“{name}”" for name in filled)}
            )

    def _sheet(self, sheet) -> None:
        name_key = values.normalise(sheet.name)
        if name_key in IGNORED_SHEET_NAMES:
            return
        header: dict[int, Column] | None = None
        header_row = 0
        chunk: list[tuple[int, dict, RowResult]] = []
        for number, cells in sheet.rows:
            if header is None:
                if number > 5:
                    break
                found = {index: match_header(cell) for index, cell in enumerate(cells)}
                if sum(1 for column in found.values() if column) >= 2:
                    header, header_row = self._header(sheet, number, cells, found), number
                    if header is None:
                        return
                continue
            problems = [p for p in sheet.problems if p.row == number]
            sheet.problems[:] = [p for p in sheet.problems if p.row != number]
            if all(values.is_blank(cell) for cell in cells) and not problems:
                continue
            raw = {column.key: (cells[index] if index < len(cells) else None) for index, column in header.items()}
            result = RowResult(sheet=sheet.name, row=number)
            for problem in problems:
                result.error(self._column_name(header, problem.column), problem.message)
            chunk.append((number, raw, result))
            if len(chunk) >= CHUNK_ROWS:
                self._chunk(chunk, header)
                chunk = []
        if header is None:
            if name_key in ACTIVITY_SHEET_NAMES:
                self.plan.warnings.append(
                    _("Sheet “%(sheet)s”: no row of column headers found in its first five rows.")
                    % {"sheet": sheet.name}
                )
            else:
                self.plan.warnings.append(
                    _("Sheet “%(sheet)s” is not an activities sheet: it was not read.") % {"sheet": sheet.name}
                )
            return
        if chunk:
            self._chunk(chunk, header)
        self.plan.sheets[-1]["header_row"] = header_row

    def _header(
        self, sheet, number: int, cells: list, found: dict, template: tuple[Column, ...] = ACTIVITY_COLUMNS
    ) -> dict[int, Column] | None:
        header: dict[int, Column] = {}
        columns = []
        for index, column in found.items():
            text = values.as_text(cells[index])
            if column is None:
                if text:
                    self.plan.warnings.append(
                        _("Sheet “%(sheet)s”, column %(column)s “%(header)s” is not a column of the template: ignored.")
                        % {"sheet": sheet.name, "column": column_letter(index), "header": text}
                    )
                continue
            if column in header.values():
                result = RowResult(sheet=sheet.name, row=number)
                result.error(column_letter(index), _("Column “%(header)s” appears twice.") % {"header": text})
                self._record(result)
                return None
            header[index] = column
            columns.append({"letter": column_letter(index), "header": text, "key": column.key})
        present = {column.key for column in header.values()}
        missing = [c for c in template if c.required and c.key not in present]
        if missing:
            result = RowResult(sheet=sheet.name, row=number)
            for column in missing:
                result.error(
                    column.header_it,
                    _("Required column missing: “%(it)s” (“%(en)s”).")
                    % {"it": column.header_it, "en": column.header_en},
                )
            self._record(result)
            return None
        self._letters = {column.key: column_letter(index) for index, column in header.items()}
        self.plan.sheets.append({"name": sheet.name, "columns": columns, "header_row": number})
        return header

    def _column_name(self, header: dict[int, Column], letter: str) -> str:
        for index, column in header.items():
            if column_letter(index) == letter:
                return f"{letter} ({column.header_it})"
        return letter

    def _cell(self, key: str) -> str:
        column = COLUMNS_BY_KEY[key]
        return f"{self._letters.get(key, '?')} ({column.header_it})"

    # --- parsing one row -----------------------------------------------------------
    def _parse(self, raw: dict, result: RowResult) -> Desired:
        desired = Desired()
        m = self.matcher

        def attempt(key: str, parse: Callable):
            if key not in raw:
                return
            try:
                desired.values[key] = parse(raw[key])
            except ValueProblemError as problem:
                result.error(self._cell(key), str(problem))

        def text(value) -> str:
            return values.as_text(value)

        def required(parse):
            def wrapped(value):
                if values.is_blank(value):
                    raise ValueProblemError(_("This cell is required."))
                return parse(value)

            return wrapped

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
        attempt("year", required(values.parse_year))
        attempt("lead_department", required(lambda v: m.department(text(v)).pk))
        attempt("kind", required(lambda v: self.kinds.match(text(v))))
        attempt("title_it", required(text))
        for key in _TEXT_KEYS[1:]:
            attempt(key, text)
        attempt("status", lambda v: self.statuses.match(text(v)) if not values.is_blank(v) else ActivityStatus.PLANNED)
        if "start" in raw and (period := self._range(raw["start"], result)):
            desired.values["start"], end = period
            if values.is_blank(raw.get("end")):
                desired.values["end"] = end
            # Parsed already: the plain date parsers below skip these cells.
            raw = {k: v for k, v in raw.items() if k != "start" and (k != "end" or "end" not in desired.values)}
        attempt("start", values.parse_date)
        attempt("end", values.parse_date)
        attempt("programme", lambda v: None if values.is_blank(v) else m.programme(text(v)).pk)
        attempt("is_public", lambda v: True if values.is_blank(v) else values.parse_bool(v))
        attempt("departments", lambda v: frozenset(m.department(item).pk for item in values.split_list(v)))
        attempt("countries", lambda v: frozenset(m.country(item).iso2 for item in values.split_list(v)))
        attempt("sdgs", lambda v: frozenset(m.sdg(item).number for item in values.split_list(v)))
        attempt("partner_cities", lambda v: self._partners(v, m.city, "city"))
        attempt("partner_organisations", lambda v: self._partners(v, m.organisation, "organisation"))
        attempt("funding", self._funding)
        result.title = desired.values.get("title_it", "") or ""
        return desired

    def _range(self, value, result: RowResult):
        try:
            return values.parse_range(value)
        except ValueProblemError as problem:
            result.error(self._cell("start"), str(problem))
            return None

    def _partners(self, value, find, kind: str) -> frozenset:
        links: dict[int, str] = {}
        problems = []
        for item in values.split_list(value):
            name, role = item, PartnerRole.PARTNER
            if ":" in item:
                name, _colon, role_text = item.rpartition(":")
                try:
                    role = self.partner_roles.match(role_text)
                except ValueProblemError as problem:
                    problems.append(str(problem))
                    continue
            try:
                record = find(name.strip())
            except ValueProblemError as problem:
                problems.append(str(problem))
                continue
            if record.pk in links:
                problems.append(_("“%(name)s” is listed twice.") % {"name": name.strip()})
            links[record.pk] = role
        if problems:
            raise ValueProblemError(" ".join(problems))
        return frozenset(links.items())

    def _funding(self, value) -> tuple:
        lines = []
        problems = []
        for item in values.split_list(value):
            parts = [part.strip() for part in item.split("|")]
            if len(parts) < 3:
                problems.append(
                    _("“%(line)s”: write each funding line as “source | programme | amount”.") % {"line": item[:80]}
                )
                continue
            parts += [""] * (5 - len(parts))
            source_text, programme_text, amount_text, funder_text, note = parts[:5]
            try:
                source = self.sources.match(source_text)
                programme = self.matcher.programme(programme_text).pk if programme_text else 0
                amount = values.parse_amount(amount_text)
                if amount is None:
                    raise ValueProblemError(_("“%(line)s” has no amount.") % {"line": item[:80]})
                funder = self.matcher.organisation(funder_text).pk if funder_text else 0
            except ValueProblemError as problem:
                problems.append(str(problem))
                continue
            lines.append((source, programme, funder, amount, note))
        if problems:
            raise ValueProblemError(" ".join(problems))
        return tuple(sorted(lines))

    # --- a chunk of rows ---------------------------------------------------------------
    def _chunk(self, chunk: list[tuple[int, dict, RowResult]], header) -> None:
        parsed = [(number, result, self._parse(raw, result)) for number, raw, result in chunk]
        uids = [desired.uid for _n, _r, desired in parsed if desired.uid]
        titles = {
            desired.values.get("title_it")
            for _n, _r, desired in parsed
            if not desired.uid and desired.values.get("title_it")
        }
        queryset = Activity.objects.select_related("lead_department").prefetch_related(
            "departments",
            "countries",
            "sdgs",
            Prefetch("city_links", queryset=ActivityPartnerCity.objects.order_by()),
            Prefetch("organisation_links", queryset=ActivityPartnerOrganisation.objects.order_by()),
            Prefetch("funding_lines", queryset=FundingLine.objects.order_by()),
        )
        by_uid = {a.uid: a for a in queryset.filter(uid__in=uids)} if uids else {}
        by_key: dict[tuple, list[Activity]] = {}
        if titles:
            for activity in queryset.filter(title_it__in=titles):
                key = (activity.year, activity.lead_department_id, values.normalise(activity.title_it))
                by_key.setdefault(key, []).append(activity)
        writes = []
        for _number, result, desired in parsed:
            existing = None
            if desired.uid:
                existing = by_uid.get(desired.uid)
                if existing is None and result.action != "error":
                    result.error(self._cell("uid"), _("No activity has this uid: leave it empty for a new activity."))
                result.match = "uid"
            elif result.action != "error":
                key = self._natural_key(desired.values)
                candidates = by_key.get(key, [])
                if len(candidates) > 1:
                    result.error(
                        self._cell("title_it"),
                        _("%(count)d activities of this year and department have this title: add the uid column.")
                        % {"count": len(candidates)},
                    )
                elif candidates:
                    existing = candidates[0]
                    result.match = "title"
                    result.uid = str(existing.uid)
            self._duplicates(result, desired, existing)
            if result.action != "error":
                self._compare(result, desired, existing)
            if self.apply and result.action in ("new", "changed"):
                writes.append((result, desired, existing))
        if writes:
            self._write(writes)
        for _number, result, _desired in parsed:
            self._record(result)
        self._done += len(chunk)
        if self.progress:
            self.progress(self._done)

    def _natural_key(self, state: dict) -> tuple:
        return (state.get("year"), state.get("lead_department"), values.normalise(state.get("title_it") or ""))

    def _duplicates(self, result: RowResult, desired: Desired, existing: Activity | None) -> None:
        if desired.uid:
            if desired.uid in self._seen_uids:
                result.error(
                    self._cell("uid"),
                    _("Duplicate row: the same uid as row %(row)d.") % {"row": self._seen_uids[desired.uid]},
                )
                return
            self._seen_uids[desired.uid] = result.row
        key = self._natural_key(desired.values if existing is None else {**_state_of(existing), **desired.values})
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
        if key[0] is not None and key[2] and digest in self._seen_keys:
            result.error(
                self._cell("title_it"),
                _("Duplicate row: row %(row)d has the same year, lead department and title.")
                % {"row": self._seen_keys[digest]},
            )
            return
        self._seen_keys[digest] = result.row

    def _compare(self, result: RowResult, desired: Desired, existing: Activity | None) -> None:
        if existing is None:
            target = {**_DEFAULTS, **desired.values}
            department = target.get("lead_department")
            if not self.roles.coordinator and department not in self.roles.editable:
                result.error(
                    self._cell("lead_department"),
                    _("You can only import activities of your own department, not of %(department)s.")
                    % {"department": self.display("lead_department", department)},
                )
                return
            self._validate(result, target, None)
            if result.action != "error":
                result.action = "new"
            return
        current = _state_of(existing)
        target = {**current, **desired.values}
        if not permissions.can_edit_activity(self.user, existing):
            result.error(self._cell("uid"), self._locked_reason(existing))
            return
        if not self.roles.coordinator and target["lead_department"] not in self.roles.editable:
            result.error(self._cell("lead_department"), _("You cannot move an activity to another department."))
            return
        changed = [
            key for key in (*SCALAR_KEYS, *RELATION_KEYS) if key in desired.values and target[key] != current[key]
        ]
        if not changed:
            result.action = "unchanged"
            return
        self._validate(result, target, existing)
        if result.action == "error":
            return
        result.changed(changed, current, target)
        result.fingerprint = _stable_organisations(result.fingerprint, self.matcher.new_organisations)
        result.diffs = [
            {
                "field": str(COLUMNS_BY_KEY[key].header_it),
                "field_en": str(COLUMNS_BY_KEY[key].header_en),
                "old": self.display(key, current[key]),
                "new": self.display(key, target[key]),
            }
            for key in changed
        ]

    def _locked_reason(self, activity: Activity) -> str:
        if activity.lead_department_id not in self.roles.editable:
            return _("This activity belongs to another department: you cannot change it.")
        return _("This activity is %(state)s: it cannot be changed until the coordinator returns it.") % {
            "state": activity.get_review_state_display().lower()
        }

    def _validate(self, result: RowResult, target: dict, base: Activity | None) -> None:
        """Field rules of the model (lengths, NUL, ranges, end after start),
        checked without touching the database."""
        if self.apply:
            # The commit follows a dry run that found no error, and
            # `activity_bulk_import` checks every activity it writes with the
            # same rules, aborting the whole import with the row's number.
            return
        if base is None:
            probe = Activity()
        else:
            probe = Activity(**{f.attname: getattr(base, f.attname) for f in Activity._meta.concrete_fields})
        for name, value in self.model_fields(target).items():
            setattr(probe, name, value)
        try:
            # Related records were matched already; their validation would query.
            probe.clean_fields(
                exclude=[
                    "uid",
                    "accepted_snapshot",
                    "version",
                    "created_by",
                    "copied_from",
                    "lead_department",
                    "programme",
                ]
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = {"start_date": "start", "end_date": "end", "lead_department": "lead_department"}.get(name, name)
                column = self._cell(key) if key in COLUMNS_BY_KEY else name
                result.error(column, " ".join(messages))
        if probe.start_date and probe.end_date and probe.end_date < probe.start_date:
            result.error(self._cell("end"), _("The end date cannot come before the start date."))

    def model_fields(self, target: dict, keys=None) -> dict:
        """Activity fields (as `activity_create` takes them) for the given keys."""
        keys = [k for k in SCALAR_KEYS if k in target] if keys is None else keys
        fields: dict = {}
        for key in keys:
            value = target[key]
            if key == "lead_department":
                fields["lead_department"] = self.department_by_id[value]
            elif key == "programme":
                fields["programme"] = self.programme_by_id[value] if value else None
            elif key in ("start", "end"):
                fields[f"{key}_date"] = value[0] if value else None
                fields[f"{key}_precision"] = value[1] if value else DatePrecision.DAY
            else:
                fields[key] = value
        return fields

    # --- writing ---------------------------------------------------------------------
    def _write(self, writes: list[tuple[RowResult, Desired, Activity | None]]) -> None:
        """Write a chunk's new and changed rows with one bulk service call."""
        items = []
        for result, desired, existing in writes:
            if existing is None:
                target = {**_DEFAULTS, **desired.values}
                items.append(
                    activity_services.ImportedActivity(
                        fields=self.model_fields(target),
                        relations={key: target[key] for key in RELATION_KEYS if target[key]},
                    )
                )
                continue
            target = {**_state_of(existing), **desired.values}
            changed = result.changed_keys
            items.append(
                activity_services.ImportedActivity(
                    fields=self.model_fields(target, [key for key in changed if key in SCALAR_KEYS]),
                    relations={key: target[key] for key in changed if key in RELATION_KEYS},
                    activity=existing,
                    expected_version=existing.version,
                )
            )
        try:
            activities = activity_services.activity_bulk_import(user=self.user, items=items)
        except activity_services.BulkImportError as failure:
            result = writes[failure.index][0]
            error = failure.error
            if isinstance(error, activity_services.EditConflictError):
                message = _("Sheet “%(sheet)s”, row %(row)d: the activity was changed by someone else meanwhile.")
                raise ImportAbortedError(message % {"sheet": result.sheet, "row": result.row}) from error
            detail = "; ".join(getattr(error, "messages", None) or [str(error)])
            raise ImportAbortedError(
                _("Sheet “%(sheet)s”, row %(row)d: %(message)s")
                % {"sheet": result.sheet, "row": result.row, "message": detail}
            ) from error
        for (result, _desired, existing), activity in zip(writes, activities, strict=True):
            if existing is None:
                result.uid = str(activity.uid)

    def _record(self, result: RowResult) -> None:
        self.plan.counts["rows"] += 1
        if result.action == "error":
            self.plan.counts["errors"] += 1
        else:
            self.plan.counts[result.action] += 1
        if result.action == "unchanged":
            return
        # What the commit will do, in the order it will do it: a commit whose
        # plan differs from the dry run's is refused.
        # Language-free, so that a dry run read in Italian and a commit from
        # the English interface agree.
        self._digest.update(
            json.dumps([result.sheet, result.row, result.action, result.match, result.fingerprint]).encode()
        )
        bucket = result.action
        if self._kept[bucket] < MAX_DETAILS:
            self._kept[bucket] += 1
            self.plan.rows.append(result.as_dict())
        else:
            self.plan.omitted[bucket] += 1


def registry_readers(planner: Planner) -> list[tuple[set[str], object]]:
    """The readers of the partner registry's sheets (coordinator only), in
    the order they are read, each with the sheet names it reads. One reader
    serves every sheet of its names, so that duplicates are found across
    sheets. Imported here: the readers build on this module."""
    from relint.exchange.agreements import AgreementSheet
    from relint.exchange.organisations import OrganisationSheet
    from relint.exchange.relations import RelationSheet

    return [
        # Organisations first: an agreement's party or an activity may name
        # one the file adds; agreements before the relations that name them.
        (ORGANISATION_SHEET_NAMES, OrganisationSheet(planner)),
        (AGREEMENT_SHEET_NAMES, AgreementSheet(planner)),
        (RELATION_SHEET_NAMES, RelationSheet(planner)),
    ]


def plan_import(source: Source, *, user, apply: bool = False, progress=None) -> Plan:
    return Planner(user=user, apply=apply, progress=progress).run(source)
