"""The partner cities sheet: one row per relation of a partner city
(twinning, friendship pact, agreement...), matched, compared field by field
and written through `city_relation_bulk_import` like the activities sheet.

A row with an `id` (written by the export) updates that relation. A row
without one matches the relation of the same city, kind and signing date;
otherwise it is new. Cities are never created: a name the registry does not
know is an error with suggestions (`Matcher.city`).

The coordinator alone imports this sheet (`Planner.run` refuses it to
anyone else before reading a row).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from relint.core.models import DatePrecision
from relint.exchange import values
from relint.exchange.columns import RELATION_COLUMNS, RELATION_COLUMNS_BY_KEY, match_relation_header
from relint.exchange.matching import Choices, split_country
from relint.exchange.planning import CHUNK_ROWS, Desired, ImportAbortedError, RowResult, format_date
from relint.exchange.values import ValueProblemError
from relint.partners import services as partner_services
from relint.partners.models import CityRelation, RatifyingBody, RelationKind, RelationState

COMPARED_KEYS = (
    "city",
    "kind",
    "state",
    "signed",
    "ratified_by",
    "ratified_on",
    "deliberation_ref",
    "ended_on",
    "notes",
    "agreement",
)
_TEXT_KEYS = ("deliberation_ref", "notes")
_DAY_KEYS = ("ratified_on", "ended_on")
_DEFAULTS = {
    "state": RelationState.ACTIVE,
    "signed": None,
    "ratified_by": RatifyingBody.NONE,
    "ratified_on": None,
    "deliberation_ref": "",
    "ended_on": None,
    "notes": "",
    "agreement": None,
}
# Model field → column key, for the model's validation messages.
_FIELD_KEYS = {"signed_on": "signed", "signed_precision": "signed"}
# Words people write for the kinds, besides the labels and codes.
_KIND_WORDS = (
    ("amicizia", RelationKind.FRIENDSHIP),
    ("friendship", RelationKind.FRIENDSHIP),
    ("cooperazione", RelationKind.COOPERATION),
    ("collaborazione", RelationKind.COOPERATION),
    ("protocollo", RelationKind.PROTOCOL),
    ("protocollo d intesa", RelationKind.PROTOCOL),
)

# "Relazione" is feminine: people agree the state with it.
_STATE_WORDS = (
    ("attiva", RelationState.ACTIVE),
    ("inattiva", RelationState.DORMANT),
    ("sospesa", RelationState.DORMANT),
    ("conclusa", RelationState.ENDED),
    ("terminata", RelationState.ENDED),
    ("terminato", RelationState.ENDED),
)


def relation_state(relation: CityRelation) -> dict:
    """A relation's current values, in the same shape as a row's."""
    return {
        "city": relation.city_id,
        "kind": relation.kind,
        "state": relation.state,
        "signed": (relation.signed_on, relation.signed_precision) if relation.signed_on else None,
        "ratified_by": relation.ratified_by,
        "ratified_on": relation.ratified_on,
        "deliberation_ref": relation.deliberation_ref,
        "ended_on": relation.ended_on,
        "notes": relation.notes,
        "agreement": relation.agreement_id,
    }


def model_fields(target: dict, keys) -> dict:
    """CityRelation fields (as `city_relation_bulk_import` takes them), but
    the agreement, which the writer links as a record."""
    fields: dict = {}
    for key in keys:
        if key in ("city", "agreement"):
            continue
        if key == "signed":
            value = target["signed"]
            fields["signed_on"] = value[0] if value else None
            fields["signed_precision"] = value[1] if value else DatePrecision.DAY
        else:
            fields[key] = target[key]
    return fields


class RelationSheet:
    """Reads the partner cities sheets of a workbook into the planner's plan
    (its counts, rows, digest and warnings), and writes them when the planner
    applies. One instance serves every such sheet, so that duplicates are
    found across sheets."""

    # The agreements sheet reads its rows with this class's `read`.
    columns = RELATION_COLUMNS
    columns_by_key = RELATION_COLUMNS_BY_KEY
    match_header = staticmethod(match_relation_header)

    def __init__(self, planner):
        self.planner = planner
        self.matcher = planner.matcher
        self.kinds = Choices(_("Relation kind"), RelationKind.choices)
        for word, kind in _KIND_WORDS:
            self.kinds.by_key[word] = kind
        self.states = Choices(_("Relation state"), RelationState.choices)
        for word, state in _STATE_WORDS:
            self.states.by_key[word] = state
        self.bodies = Choices(_("Ratifying body"), RatifyingBody.choices)
        # Imported here: the agreements sheet builds on this module.
        from relint.exchange.agreements import agreement_refs

        self.agreements = agreement_refs(planner)
        self._letters: dict[str, str] = {}
        self._seen_ids: dict[int, int] = {}
        self._seen_keys: dict[tuple, tuple[str, int]] = {}

    # --- display ---------------------------------------------------------------------
    def city_label(self, pk: int) -> str:
        self.matcher._city_index()
        city = self.matcher.city_objects[pk]
        return f"{city.name_it} ({city.country_id})"

    def display(self, key: str, value) -> str:
        if value is None or value == "":
            return ""
        if key == "city":
            return self.city_label(value)
        if key == "signed":
            return format_date(value)
        if key in _DAY_KEYS:
            return format_date((value, DatePrecision.DAY))
        if key == "kind":
            return str(RelationKind(value).label)
        if key == "state":
            return str(RelationState(value).label)
        if key == "ratified_by":
            return str(RatifyingBody(value).label)
        if key == "agreement":
            return self.agreements.label(value)
        return str(value)

    def _cell(self, key: str) -> str:
        return f"{self._letters.get(key, '?')} ({self.columns_by_key[key].header_it})"

    # --- reading ---------------------------------------------------------------------
    def read(self, sheet) -> None:
        planner = self.planner
        header = None
        self._letters = {}
        chunk: list[tuple[dict, RowResult]] = []
        for number, cells in sheet.rows:
            if header is None:
                if number > 5:
                    break
                found = {index: self.match_header(cell) for index, cell in enumerate(cells)}
                if sum(1 for column in found.values() if column) >= 2:
                    header = planner._header(sheet, number, cells, found, template=self.columns)
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

        def day(value):
            parsed = values.parse_date(value)
            if parsed is None:
                return None
            if parsed[1] != DatePrecision.DAY:
                raise ValueProblemError(_("Write the whole date, day included (31/12/2025)."))
            return parsed[0]

        if not values.is_blank(raw.get("id")):
            text = values.as_text(raw["id"])
            if text.isdigit():
                desired.uid = int(text)
                result.uid = text
            else:
                result.error(
                    self._cell("id"), _("“%(value)s” is not an id written by relint's export.") % {"value": text[:50]}
                )
        attempt("city", required(lambda v: self._city(v, raw.get("country"))))
        attempt("kind", required(lambda v: self.kinds.match(values.as_text(v))))
        attempt("state", lambda v: _DEFAULTS["state"] if values.is_blank(v) else self.states.match(values.as_text(v)))
        attempt("signed", values.parse_date)
        attempt("ratified_by", lambda v: self.bodies.match(values.as_text(v)) if not values.is_blank(v) else "")
        attempt("ratified_on", day)
        attempt("deliberation_ref", values.as_text)
        attempt("ended_on", day)
        attempt("notes", values.as_text)
        attempt("agreement", lambda v: None if values.is_blank(v) else self.agreements.resolve(values.as_text(v)))
        if "city" in desired.values and "kind" in desired.values:
            result.title = f"{self.city_label(desired.values['city'])} – {self.display('kind', desired.values['kind'])}"
        return desired

    def _city(self, value, country_cell) -> int:
        text = values.as_text(value)
        ref = split_country(text)
        if not values.is_blank(country_cell):
            try:
                country = self.matcher.country(values.as_text(country_cell)).iso2
            except ValueProblemError as problem:
                raise ValueProblemError(f"{self._cell('country')}: {problem}") from None
            if ref.country and ref.country != country:
                raise ValueProblemError(
                    _("The city is written with the country %(city)s but the country column says %(column)s.")
                    % {"city": ref.country, "column": country}
                )
            text = f"{ref.name} ({country})"
        return self.matcher.city(text).pk

    # --- a chunk of rows -------------------------------------------------------------
    def _chunk(self, chunk: list[tuple[dict, RowResult]]) -> None:
        parsed = [(result, self._parse(raw, result)) for raw, result in chunk]
        ids = [desired.uid for _r, desired in parsed if desired.uid]
        cities = {desired.values["city"] for _r, desired in parsed if not desired.uid and "city" in desired.values}
        queryset = CityRelation.objects.select_related("city")
        by_id = {relation.pk: relation for relation in queryset.filter(pk__in=ids)} if ids else {}
        by_key: dict[tuple, list[CityRelation]] = {}
        if cities:
            for relation in queryset.filter(city_id__in=cities):
                by_key.setdefault(self._natural_key(relation_state(relation)), []).append(relation)
        writes = []
        for result, desired in parsed:
            existing = None
            if desired.uid:
                existing = by_id.get(desired.uid)
                result.match = "uid"
                if existing is None and result.action != "error":
                    result.error(self._cell("id"), _("No relation has this id: leave it empty for a new relation."))
            elif result.action != "error":
                candidates = by_key.get(self._natural_key({**_DEFAULTS, **desired.values}), [])
                if len(candidates) > 1:
                    result.error(
                        self._cell("city"),
                        _("%(count)d relations of this city have this kind and signing date: add the id column.")
                        % {"count": len(candidates)},
                    )
                elif candidates:
                    existing = candidates[0]
                    result.match = "key"
                    result.uid = str(existing.pk)
            if result.action != "error":
                self._duplicates(result, desired, existing)
            if result.action != "error":
                self._compare(result, desired, existing)
            if self.planner.apply and result.action in ("new", "changed"):
                writes.append((result, desired, existing))
        if writes:
            self._write(writes)
        for result, _desired in parsed:
            self.planner._record(result)
        self.planner._done += len(chunk)
        if self.planner.progress:
            self.planner.progress(self.planner._done)

    def _natural_key(self, state: dict) -> tuple:
        return (state.get("city"), state.get("kind"), state.get("signed"))

    def _duplicates(self, result: RowResult, desired: Desired, existing: CityRelation | None) -> None:
        if desired.uid:
            if desired.uid in self._seen_ids:
                result.error(
                    self._cell("id"),
                    _("Duplicate row: the same id as row %(row)d.") % {"row": self._seen_ids[desired.uid]},
                )
                return
            self._seen_ids[desired.uid] = result.row
        base = _DEFAULTS if existing is None else relation_state(existing)
        key = self._natural_key({**base, **desired.values})
        if key in self._seen_keys:
            sheet, row = self._seen_keys[key]
            if sheet == result.sheet:
                message = _("Duplicate row: row %(row)d has the same city, kind and signing date.") % {"row": row}
            else:
                message = _(
                    "Duplicate row: row %(row)d of sheet “%(sheet)s” has the same city, kind and signing date."
                ) % {"row": row, "sheet": sheet}
            result.error(self._cell("city"), message)
            return
        self._seen_keys[key] = (result.sheet, result.row)

    def _compare(self, result: RowResult, desired: Desired, existing: CityRelation | None) -> None:
        if existing is None:
            target = {**_DEFAULTS, **desired.values}
            self._validate(result, target, CityRelation(city_id=target["city"]))
            if result.action != "error":
                result.action = "new"
            return
        current = relation_state(existing)
        target = {**current, **desired.values}
        if target["city"] != current["city"]:
            result.error(
                self._cell("city"),
                _("The city of a relation cannot be changed: leave the id empty to add a relation with %(city)s.")
                % {"city": self.city_label(target["city"])},
            )
            return
        changed = [key for key in COMPARED_KEYS if key in desired.values and target[key] != current[key]]
        if not changed:
            result.action = "unchanged"
            return
        self._validate(result, target, existing)
        if result.action == "error":
            return
        result.changed(changed, current, target)
        result.diffs = [
            {
                "field": str(RELATION_COLUMNS_BY_KEY[key].header_it),
                "field_en": str(RELATION_COLUMNS_BY_KEY[key].header_en),
                "old": self.display(key, current[key]),
                "new": self.display(key, target[key]),
            }
            for key in changed
        ]

    def _validate(self, result: RowResult, target: dict, base: CityRelation) -> None:
        """The model's rules (lengths, choices, the constraints on dates and
        ratification, the precision of the signing date), without writing."""
        probe = CityRelation(**{f.attname: getattr(base, f.attname) for f in CityRelation._meta.concrete_fields})
        for name, value in model_fields(target, COMPARED_KEYS).items():
            setattr(probe, name, value)
        try:
            partner_services.city_relation_check(probe)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = _FIELD_KEYS.get(name, name)
                column = self._cell(key) if key in RELATION_COLUMNS_BY_KEY else _("row")
                result.error(column, " ".join(messages))

    # --- writing ---------------------------------------------------------------------
    def _write(self, writes: list[tuple[RowResult, Desired, CityRelation | None]]) -> None:
        self.matcher._city_index()
        linked = self.agreements.objects(
            {desired.values["agreement"] for _r, desired, _e in writes if desired.values.get("agreement")}
        )
        items = []
        for result, desired, existing in writes:
            if existing is None:
                target = {**_DEFAULTS, **desired.values}
                fields = model_fields(target, COMPARED_KEYS)
                if target["agreement"]:
                    fields["agreement"] = linked[target["agreement"]]
                items.append(
                    partner_services.ImportedRelation(fields=fields, city=self.matcher.city_objects[target["city"]])
                )
            else:
                target = {**relation_state(existing), **desired.values}
                fields = model_fields(target, result.changed_keys)
                if "agreement" in result.changed_keys:
                    fields["agreement"] = linked[target["agreement"]] if target["agreement"] else None
                items.append(partner_services.ImportedRelation(fields=fields, relation=existing))
        try:
            saved = partner_services.city_relation_bulk_import(user=self.planner.user, items=items)
        except partner_services.PartnerImportError as failure:
            result = writes[failure.index][0]
            detail = "; ".join(getattr(failure.error, "messages", None) or [str(failure.error)])
            raise ImportAbortedError(
                _("Sheet “%(sheet)s”, row %(row)d: %(message)s")
                % {"sheet": result.sheet, "row": result.row, "message": detail}
            ) from failure
        for (result, _desired, existing), relation in zip(writes, saved, strict=True):
            if existing is None:
                result.uid = str(relation.pk)


def export_rows(planner, relations) -> list[list]:
    """The rows of the partner cities sheet for `relations`, written as the
    importer reads them."""
    sheet = RelationSheet(planner)
    rows = []
    for relation in relations:
        state = relation_state(relation)
        row = []
        for column in RELATION_COLUMNS:
            if column.key == "id":
                row.append(relation.pk)
            elif column.key == "country":
                row.append(relation.city.country_id)
            elif column.key == "agreement":
                row.append(sheet.agreements.export_value(state["agreement"]) if state["agreement"] else None)
            else:
                row.append(sheet.display(column.key, state[column.key]))
        rows.append(row)
    return rows
