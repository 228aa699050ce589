"""Readable change history of any model tracked by django-simple-history,
and the values of a historical version for a revert.

`history_entries(obj)` lists an object's versions, newest first, each with
who made it and the field-by-field differences from the version before,
with coded values, foreign keys and many-to-many fields shown by name.
`field_values_at(record, names)` gives what a revert service sets back.
Nothing here writes: reverting goes through each model's own service, so
that its permission and version checks apply.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

# Bookkeeping columns that are not part of what a person changes.
IGNORED_FIELDS = frozenset({"id", "uid", "created_at", "updated_at", "version", "accepted_snapshot", "created_by"})


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: models.Model
    user: object | None
    date: datetime.datetime
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[FieldChange] = field(default_factory=list)
    # Set by a view when its reader may put the record back to this version.
    revert_url: str = ""

    @property
    def history_id(self) -> int:
        return self.record.history_id


def _display(model_field: models.Field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), f"#{value}")
    if isinstance(model_field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(model_field, models.DateTimeField):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return str(value)


def _m2m_ids(rows: list[dict], target: str) -> list:
    return sorted(row[target] for row in rows)


def history_entries(obj: models.Model, *, limit: int | None = None) -> list[HistoryEntry]:
    """The versions of `obj`, newest first, with their differences.

    Reads the history in one query, each tracked many-to-many field in one
    more, and the names of referenced rows in one query per related model,
    however many versions there are.
    """
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    history_model = obj.history.model
    tracked = [f for f in history_model.tracked_fields if f.editable and f.name not in IGNORED_FIELDS]
    m2m_fields = [f for f in getattr(history_model, "_history_m2m_fields", []) if f.name not in IGNORED_FIELDS]

    # Many-to-many rows of every version, by version.
    m2m_rows: dict[str, dict[int, list]] = {}
    m2m_targets: dict[str, tuple[type[models.Model], str]] = {}
    for m2m in m2m_fields:
        target_model = m2m.related_model
        manager = getattr(records[0], m2m.name) if records else None
        if manager is None:
            continue
        through_model = manager.model
        target_attr = next(
            f.attname
            for f in through_model._meta.fields
            if isinstance(f, models.ForeignKey) and f.related_model is target_model
        )
        by_version: dict[int, list] = {}
        for history_id, target_id in through_model.objects.filter(
            history_id__in=[r.history_id for r in records]
        ).values_list("history_id", target_attr):
            by_version.setdefault(history_id, []).append(target_id)
        m2m_rows[m2m.name] = by_version
        m2m_targets[m2m.name] = (target_model, target_attr)

    # Names of the referenced rows, one query per related model.
    wanted: dict[type[models.Model], set] = {}
    for f in tracked:
        if isinstance(f, models.ForeignKey):
            wanted.setdefault(f.related_model, set()).update(
                getattr(r, f.attname) for r in records if getattr(r, f.attname) is not None
            )
    for name, (target_model, _attr) in m2m_targets.items():
        for ids in m2m_rows[name].values():
            wanted.setdefault(target_model, set()).update(ids)
    names: dict[tuple, str] = {}
    for related_model, pks in wanted.items():
        if pks:
            for row in related_model._default_manager.filter(pk__in=pks):
                names[(related_model, row.pk)] = str(row)

    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            record=record, user=record.history_user, date=record.history_date, kind=record.history_type
        )
        for f in tracked:
            old = getattr(previous, f.attname) if previous is not None else None
            new = getattr(record, f.attname)
            if previous is None and new in (None, "", False):
                continue
            if old != new:
                entry.changes.append(
                    FieldChange(
                        f.name,
                        str(model._meta.get_field(f.name).verbose_name),
                        _display(f, old, names),
                        _display(f, new, names),
                    )
                )
        for m2m in m2m_fields:
            if m2m.name not in m2m_rows:
                continue
            target_model = m2m_targets[m2m.name][0]
            old_ids = sorted(m2m_rows[m2m.name].get(previous.history_id, [])) if previous is not None else []
            new_ids = sorted(m2m_rows[m2m.name].get(record.history_id, []))
            if old_ids != new_ids:
                entry.changes.append(
                    FieldChange(
                        m2m.name,
                        str(m2m.verbose_name),
                        ", ".join(names.get((target_model, i), f"#{i}") for i in old_ids) or "—",
                        ", ".join(names.get((target_model, i), f"#{i}") for i in new_ids) or "—",
                    )
                )
        entries.append(entry)
        previous = record
    entries.reverse()
    return entries[:limit] if limit else entries


def field_values_at(record: models.Model, names: list[str]) -> dict:
    """The values of `names` in a historical version: plain values, related
    objects for foreign keys, lists of related objects for tracked
    many-to-many fields."""
    model = record.instance_type
    values: dict = {}
    for name in names:
        model_field = model._meta.get_field(name)
        if isinstance(model_field, models.ManyToManyField):
            target_model = model_field.related_model
            through_model = getattr(record, name).model
            target_attr = next(
                f.attname
                for f in through_model._meta.fields
                if isinstance(f, models.ForeignKey) and f.related_model is target_model
            )
            ids = getattr(record, name).values_list(target_attr, flat=True)
            values[name] = list(target_model._default_manager.filter(pk__in=list(ids)))
        elif isinstance(model_field, models.ForeignKey):
            pk = getattr(record, model_field.attname)
            values[name] = model_field.related_model._default_manager.filter(pk=pk).first() if pk is not None else None
        else:
            values[name] = getattr(record, name)
    return values
