"""The agreements sheet: one row per agreement (convention, agreement,
protocol, memorandum), with its parties, matched, compared field by field and
written through `agreement_bulk_import` like the partner cities sheet.

A row with a `uid` (written by the export) updates that agreement. A row
without one matches the agreement of the same kind, Italian title and
signing date; otherwise it is new. The two party columns list the partner
cities and organisations that signed besides the City (never the City
itself, decisions.md); a party column present in the file is the whole list
of its kind. Cities and organisations are never created: a name the
registry does not know is an error with suggestions (`Matcher`).

The sheet is read before the partner cities sheet (`registry_readers`), so
that a relation may name an agreement the same workbook adds:
`AgreementRefs` holds the agreements as the registry had them when the
import began, overlaid with what this sheet makes of them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from relint.core.models import DatePrecision
from relint.exchange import values
from relint.exchange.columns import AGREEMENT_COLUMNS, AGREEMENT_COLUMNS_BY_KEY, match_agreement_header
from relint.exchange.matching import Choices, _problem, suggest
from relint.exchange.planning import Desired, ImportAbortedError, RowResult, _stable_organisations, format_date
from relint.exchange.relations import RelationSheet
from relint.exchange.values import ValueProblemError, normalise
from relint.partners import services as partner_services
from relint.partners.models import Agreement, AgreementKind, AgreementParty

SCALAR_KEYS = (
    "kind",
    "title_it",
    "title_en",
    "summary_it",
    "summary_en",
    "signed",
    "valid_from",
    "valid_until",
    "deliberation_ref",
    "deliberation_on",
    "lead_department",
    "notes",
)
PARTY_KEYS = ("city_parties", "organisation_parties")
COMPARED_KEYS = (*SCALAR_KEYS, *PARTY_KEYS)
_TEXT_KEYS = ("title_en", "summary_it", "summary_en", "deliberation_ref", "notes")
_DAY_KEYS = ("valid_from", "valid_until", "deliberation_on")
_DEFAULTS = {
    "title_en": "",
    "summary_it": "",
    "summary_en": "",
    "signed": None,
    "valid_from": None,
    "valid_until": None,
    "deliberation_ref": "",
    "deliberation_on": None,
    "lead_department": None,
    "notes": "",
    "city_parties": frozenset(),
    "organisation_parties": frozenset(),
}
# Model field → column key, for the model's validation messages.
_FIELD_KEYS = {"signed_on": "signed", "signed_precision": "signed"}
# Words people write for the kinds, besides the labels and codes.
_KIND_WORDS = (
    ("accordo di cooperazione", AgreementKind.AGREEMENT),
    ("accordo di collaborazione", AgreementKind.AGREEMENT),
    ("protocollo", AgreementKind.PROTOCOL),
    ("protocollo di intesa", AgreementKind.PROTOCOL),
    ("protocol", AgreementKind.PROTOCOL),
    ("mou", AgreementKind.MEMORANDUM),
    ("memorandum", AgreementKind.MEMORANDUM),
    ("memorandum di intesa", AgreementKind.MEMORANDUM),
)


def _the_city_names() -> set[str]:
    """What people write for the City itself ("Città di Torino", "Comune di
    Torino", "Torino"): it is a party to every agreement, never listed."""
    name = settings.RELINT_CITY_NAME
    base = re.sub(r"(?i)^(citt[aà]|comune) di\s+", "", name)
    return {normalise(text) for text in (name, base, f"Città di {base}", f"Comune di {base}", f"City of {base}")}


@dataclass(frozen=True)
class NewAgreement:
    """An agreement that a row of the workbook's agreements sheet adds. The
    partner cities sheet may name it: in the dry run it does not exist yet,
    at commit it has just been written. Its text, not an id, is what the plan
    digest holds, so that the two agree."""

    sheet: str
    row: int

    def __str__(self) -> str:
        return f"new agreement: {self.sheet}, {self.row}"


class AgreementRefs:
    """The agreements a workbook may name, shared by the readers of one
    import: the registry's as they were when the import began (loaded
    before the agreements sheet writes anything, so that the dry run and the
    commit see the same), overlaid with the titles the agreements sheet
    gives them and the agreements it adds."""

    def __init__(self):
        self._loaded = False
        self.uids: dict[uuid.UUID, int] = {}
        self.uid_of: dict[int, uuid.UUID] = {}
        self.keys: dict[tuple, list[int]] = {}
        self.titles: dict[int | NewAgreement, str] = {}
        self.created: dict[NewAgreement, Agreement] = {}
        self._index: dict[str, list] | None = None

    def load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        rows = Agreement.objects.order_by("pk").values_list(
            "pk", "uid", "kind", "title_it", "signed_on", "signed_precision"
        )
        for pk, uid, kind, title_it, signed_on, precision in rows:
            self.uids[uid] = pk
            self.uid_of[pk] = uid
            self.titles[pk] = title_it
            signed = (signed_on, precision) if signed_on else None
            self.keys.setdefault(natural_key(kind, title_it, signed), []).append(pk)

    def set_title(self, ref: int | NewAgreement, title: str) -> None:
        """What the workbook's agreements sheet makes of `ref`."""
        self.titles[ref] = title
        self._index = None

    def _by_title(self) -> dict[str, list]:
        if self._index is None:
            self.load()
            self._index = {}
            for ref, title in self.titles.items():
                self._index.setdefault(normalise(title), []).append(ref)
        return self._index

    def resolve(self, text: str) -> int | NewAgreement:
        """The agreement a cell names, by uid or by Italian title (a unique
        match, accents and case ignored); never a guess."""
        self.load()
        try:
            uid = uuid.UUID(text)
        except ValueError:
            uid = None
        if uid is not None:
            if uid not in self.uids:
                raise ValueProblemError(_("No agreement has the uid %(uid)s.") % {"uid": text})
            return self.uids[uid]
        found = self._by_title().get(normalise(text), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueProblemError(
                _(
                    "%(count)d agreements have the title “%(title)s”: write the uid of the one you mean "
                    "(the export's agreements sheet shows it)."
                )
                % {"count": len(found), "title": text}
            )
        candidates = {normalise(title): title for title in self.titles.values()}
        problem = _problem(_("Agreement"), text, suggest(text, candidates))
        raise ValueProblemError(
            str(problem) + " " + _("Add it to the agreements sheet or the registry first, or correct the title.")
        )

    def label(self, ref) -> str:
        self.load()
        return self.titles.get(ref, str(ref))

    def export_value(self, pk: int) -> str:
        """The title when it names this agreement alone (readable), else the uid."""
        self.load()
        title = self.titles[pk]
        try:
            uuid.UUID(title)
        except ValueError:
            if len(self._by_title().get(normalise(title), [])) == 1:
                return title
        return str(self.uid_of[pk])

    def objects(self, refs) -> dict:
        """The agreements `refs` name, to link them (one query)."""
        pks = {ref for ref in refs if isinstance(ref, int)}
        found: dict = dict(Agreement.objects.in_bulk(pks)) if pks else {}
        found.update({ref: self.created[ref] for ref in refs if isinstance(ref, NewAgreement)})
        return found


def agreement_refs(planner) -> AgreementRefs:
    """The import's one `AgreementRefs`, kept on the planner so that the
    agreements and partner cities readers share it without the planner
    knowing about agreements."""
    refs = getattr(planner, "_agreement_refs", None)
    if refs is None:
        refs = planner._agreement_refs = AgreementRefs()
    return refs


def natural_key(kind, title_it, signed) -> tuple:
    return (kind, normalise(title_it or ""), signed)


def agreement_state(agreement: Agreement) -> dict:
    """An agreement's current values, in the same shape as a row's (its
    parties prefetched)."""
    parties = list(agreement.parties.all())
    return {
        "kind": agreement.kind,
        "title_it": agreement.title_it,
        "title_en": agreement.title_en,
        "summary_it": agreement.summary_it,
        "summary_en": agreement.summary_en,
        "signed": (agreement.signed_on, agreement.signed_precision) if agreement.signed_on else None,
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "deliberation_ref": agreement.deliberation_ref,
        "deliberation_on": agreement.deliberation_on,
        "lead_department": agreement.lead_department_id,
        "notes": agreement.notes,
        "city_parties": frozenset((p.city_id, p.signatory) for p in parties if p.city_id),
        "organisation_parties": frozenset((p.organisation_id, p.signatory) for p in parties if p.organisation_id),
    }


def _queryset():
    return Agreement.objects.prefetch_related(Prefetch("parties", queryset=AgreementParty.objects.order_by("pk")))


class AgreementSheet(RelationSheet):
    """Reads the agreements sheets of a workbook into the planner's plan and
    writes them when the planner applies. One instance serves every such
    sheet, so that duplicates are found across sheets. The rows are read by
    `RelationSheet.read`, with this sheet's columns."""

    columns = AGREEMENT_COLUMNS
    columns_by_key = AGREEMENT_COLUMNS_BY_KEY
    match_header = staticmethod(match_agreement_header)

    # Not RelationSheet.__init__: this sheet has its own coded values.
    def __init__(self, planner):
        self.planner = planner
        self.matcher = planner.matcher
        self.kinds = Choices(_("Agreement kind"), AgreementKind.choices)
        for word, kind in _KIND_WORDS:
            self.kinds.by_key[normalise(word)] = kind
        self.agreements = agreement_refs(planner)
        self.the_city = _the_city_names()
        self._letters: dict[str, str] = {}
        self._seen_ids: dict[uuid.UUID, int] = {}
        self._seen_keys: dict[tuple, tuple[str, int]] = {}

    def read(self, sheet) -> None:
        # Before this sheet writes anything: the relations' agreement column
        # then resolves the same in the dry run and in the commit.
        self.agreements.load()
        super().read(sheet)

    # --- display ---------------------------------------------------------------------
    def organisation_label(self, pk: int) -> str:
        self.matcher._organisation_index()
        return self.matcher.organisation_objects[pk].name

    def display(self, key: str, value) -> str:
        if value is None or value == "" or value == frozenset():
            return ""
        if key == "signed":
            return format_date(value)
        if key in _DAY_KEYS:
            return format_date((value, DatePrecision.DAY))
        if key == "kind":
            return str(AgreementKind(value).label)
        if key == "lead_department":
            return self.planner.department_by_id[value].code
        if key in PARTY_KEYS:
            label = self.city_label if key == "city_parties" else self.organisation_label
            return "; ".join(sorted(f"{label(pk)}: {office}" if office else label(pk) for pk, office in value))
        return str(value)

    # --- reading ---------------------------------------------------------------------
    def _parse(self, raw: dict, result: RowResult) -> Desired:
        desired = Desired()
        m = self.matcher

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

        if not values.is_blank(raw.get("uid")):
            text = values.as_text(raw["uid"])
            try:
                desired.uid = uuid.UUID(text)
                result.uid = str(desired.uid)
            except ValueError:
                result.error(
                    self._cell("uid"), _("“%(value)s” is not a uid written by relint's export.") % {"value": text[:50]}
                )
        attempt("kind", required(lambda v: self.kinds.match(values.as_text(v))))
        attempt("title_it", required(values.as_text))
        for key in _TEXT_KEYS:
            attempt(key, values.as_text)
        attempt("signed", values.parse_date)
        for key in _DAY_KEYS:
            attempt(key, day)
        attempt("lead_department", lambda v: None if values.is_blank(v) else m.department(values.as_text(v)).pk)
        attempt("city_parties", lambda v: self._parties(v, m.city))
        attempt("organisation_parties", lambda v: self._parties(v, m.organisation))
        result.title = desired.values.get("title_it", "") or ""
        return desired

    def _parties(self, value, find) -> frozenset:
        """ "Name: signatory office; ..." as (record id, office) pairs. A whole
        item that names a record is that record (a name may hold a colon);
        otherwise the office follows the last colon."""
        offices: dict[int, str] = {}
        problems = []
        for item in values.split_list(value):
            name, office = item, ""
            try:
                record = self._party(item, find)
            except ValueProblemError as whole:
                if ":" not in item:
                    problems.append(str(whole))
                    continue
                name, _colon, office = (part.strip() for part in item.rpartition(":"))
                try:
                    record = self._party(name, find)
                except ValueProblemError as problem:
                    problems.append(str(problem))
                    continue
            if record.pk in offices:
                problems.append(_("“%(name)s” is listed twice.") % {"name": name})
            offices[record.pk] = office
        if problems:
            raise ValueProblemError(" ".join(problems))
        return frozenset(offices.items())

    def _party(self, name: str, find):
        refused = ValueProblemError(
            _("%(city)s is a party to every agreement: do not list it among the parties.")
            % {"city": settings.RELINT_CITY_NAME}
        )
        if normalise(name) in self.the_city:
            raise refused
        record = find(name)
        # The registry may hold the City as a partner city, found by any of its names.
        if getattr(record, "country_id", None) == "IT" and normalise(getattr(record, "name_it", "")) in self.the_city:
            raise refused
        return record

    # --- a chunk of rows -------------------------------------------------------------
    def _chunk(self, chunk: list[tuple[dict, RowResult]]) -> None:
        refs = self.agreements
        parsed = [(result, self._parse(raw, result)) for raw, result in chunk]
        uids = [desired.uid for _r, desired in parsed if desired.uid]
        keyed = {}
        for result, desired in parsed:
            if not desired.uid and result.action != "error":
                keyed[id(desired)] = refs.keys.get(self._natural_key({**_DEFAULTS, **desired.values}), [])
        pks = {pk for candidates in keyed.values() for pk in candidates}
        by_uid: dict[uuid.UUID, Agreement] = {}
        by_pk: dict[int, Agreement] = {}
        if uids or pks:
            for agreement in _queryset().filter(Q(uid__in=uids) | Q(pk__in=pks)):
                by_uid[agreement.uid] = agreement
                by_pk[agreement.pk] = agreement
        writes = []
        for result, desired in parsed:
            existing = None
            if desired.uid:
                existing = by_uid.get(desired.uid)
                result.match = "uid"
                if existing is None and result.action != "error":
                    result.error(self._cell("uid"), _("No agreement has this uid: leave it empty for a new agreement."))
            elif result.action != "error":
                candidates = keyed[id(desired)]
                if len(candidates) > 1:
                    result.error(
                        self._cell("title_it"),
                        _("%(count)d agreements have this kind, title and signing date: add the uid column.")
                        % {"count": len(candidates)},
                    )
                elif candidates:
                    existing = by_pk[candidates[0]]
                    result.match = "agreement"
                    result.uid = str(existing.uid)
            if result.action != "error":
                self._duplicates(result, desired, existing)
            if result.action != "error":
                self._compare(result, desired, existing)
            if result.action != "error":
                current = _DEFAULTS if existing is None else agreement_state(existing)
                title = {**current, **desired.values}["title_it"]
                refs.set_title(existing.pk if existing else NewAgreement(result.sheet, result.row), title)
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
        return natural_key(state.get("kind"), state.get("title_it"), state.get("signed"))

    def _duplicates(self, result: RowResult, desired: Desired, existing: Agreement | None) -> None:
        if desired.uid:
            if desired.uid in self._seen_ids:
                result.error(
                    self._cell("uid"),
                    _("Duplicate row: the same uid as row %(row)d.") % {"row": self._seen_ids[desired.uid]},
                )
                return
            self._seen_ids[desired.uid] = result.row
        base = _DEFAULTS if existing is None else agreement_state(existing)
        key = self._natural_key({**base, **desired.values})
        if key in self._seen_keys:
            sheet, row = self._seen_keys[key]
            if sheet == result.sheet:
                message = _("Duplicate row: row %(row)d has the same kind, title and signing date.") % {"row": row}
            else:
                message = _(
                    "Duplicate row: row %(row)d of sheet “%(sheet)s” has the same kind, title and signing date."
                ) % {"row": row, "sheet": sheet}
            result.error(self._cell("title_it"), message)
            return
        self._seen_keys[key] = (result.sheet, result.row)

    def _compare(self, result: RowResult, desired: Desired, existing: Agreement | None) -> None:
        if existing is None:
            self._validate(result, {**_DEFAULTS, **desired.values}, Agreement(), desired)
            if result.action != "error":
                result.action = "new"
            return
        current = agreement_state(existing)
        target = {**current, **desired.values}
        changed = [key for key in COMPARED_KEYS if key in desired.values and target[key] != current[key]]
        if not changed:
            result.action = "unchanged"
            return
        self._validate(result, target, existing, desired)
        if result.action == "error":
            return
        result.changed(changed, current, target)
        result.fingerprint = _stable_organisations(result.fingerprint, self.matcher.new_organisations)
        result.diffs = [
            {
                "field": str(AGREEMENT_COLUMNS_BY_KEY[key].header_it),
                "field_en": str(AGREEMENT_COLUMNS_BY_KEY[key].header_en),
                "old": self.display(key, current[key]),
                "new": self.display(key, target[key]),
            }
            for key in changed
        ]

    def model_fields(self, target: dict, keys) -> dict:
        """Agreement fields (as `agreement_bulk_import` takes them)."""
        fields: dict = {}
        for key in keys:
            if key in PARTY_KEYS:
                continue
            value = target[key]
            if key == "signed":
                fields["signed_on"] = value[0] if value else None
                fields["signed_precision"] = value[1] if value else DatePrecision.DAY
            elif key == "lead_department":
                fields["lead_department"] = self.planner.department_by_id[value] if value else None
            else:
                fields[key] = value
        return fields

    def _validate(self, result: RowResult, target: dict, base: Agreement, desired: Desired) -> None:
        """The model's rules (lengths, NUL, choices, the precision of the
        signing date, the ordered term) and the signatories', without a query."""
        probe = Agreement(**{f.attname: getattr(base, f.attname) for f in Agreement._meta.concrete_fields})
        for name, value in self.model_fields(target, SCALAR_KEYS).items():
            setattr(probe, name, value)
        try:
            partner_services.agreement_check(probe)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = _FIELD_KEYS.get(name, name)
                column = self._cell(key) if key in AGREEMENT_COLUMNS_BY_KEY else _("row")
                result.error(column, " ".join(messages))
        for key in PARTY_KEYS:
            for _pk, office in sorted(target[key]) if key in desired.values else ():
                try:
                    partner_services.agreement_party_check(AgreementParty(signatory=office))
                except ValidationError as error:
                    result.error(self._cell(key), f"“{office[:50]}”: " + " ".join(error.messages))

    # --- writing ---------------------------------------------------------------------
    def _write(self, writes: list[tuple[RowResult, Desired, Agreement | None]]) -> None:
        self.matcher._city_index()
        self.matcher._organisation_index()
        cities, organisations = self.matcher.city_objects, self.matcher.organisation_objects

        def parties(target: dict, key: str, keys) -> list | None:
            if key not in keys:
                return None
            records = cities if key == "city_parties" else organisations
            return [(records[pk], office) for pk, office in sorted(target[key])]

        items = []
        for result, desired, existing in writes:
            if existing is None:
                target = {**_DEFAULTS, **desired.values}
                keys = COMPARED_KEYS
            else:
                target = {**agreement_state(existing), **desired.values}
                keys = result.changed_keys
            items.append(
                partner_services.ImportedAgreement(
                    fields=self.model_fields(target, keys),
                    agreement=existing,
                    city_parties=parties(target, "city_parties", keys),
                    organisation_parties=parties(target, "organisation_parties", keys),
                )
            )
        try:
            saved = partner_services.agreement_bulk_import(user=self.planner.user, items=items)
        except partner_services.PartnerImportError as failure:
            result = writes[failure.index][0]
            detail = "; ".join(getattr(failure.error, "messages", None) or [str(failure.error)])
            raise ImportAbortedError(
                _("Sheet “%(sheet)s”, row %(row)d: %(message)s")
                % {"sheet": result.sheet, "row": result.row, "message": detail}
            ) from failure
        for (result, _desired, existing), agreement in zip(writes, saved, strict=True):
            if existing is None:
                result.uid = str(agreement.uid)
                self.agreements.created[NewAgreement(result.sheet, result.row)] = agreement


def export_rows(planner, agreements) -> list[list]:
    """The rows of the agreements sheet for `agreements` (parties
    prefetched), written as the importer reads them."""
    sheet = AgreementSheet(planner)
    rows = []
    for agreement in agreements:
        state = agreement_state(agreement)
        rows.append(
            [
                str(agreement.uid) if column.key == "uid" else sheet.display(column.key, state[column.key])
                for column in AGREEMENT_COLUMNS
            ]
        )
    return rows


def export_queryset():
    return _queryset().order_by("signed_on", "title_it", "pk")
