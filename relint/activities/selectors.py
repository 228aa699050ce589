"""Reads of public activities: what the API and the exports show.

An accepted activity that a department is revising is shown as it was
accepted (its `accepted_snapshot`), so filters apply to the live columns of
accepted activities and to the snapshot of the others.
"""

from __future__ import annotations

from django.db.models import Q

from relint.activities.models import Activity, ActivityQuerySet, ReviewState
from relint.activities.serializers import ACTIVITY_RECORD_PREFETCH, activity_record

# Internal fields of the record, never shown publicly.
_INTERNAL = ("review_state", "is_public")

_LIVE = Q(review_state=ReviewState.ACCEPTED)


def _either(live: Q, snapshot: Q) -> Q:
    return (_LIVE & live) | (~_LIVE & snapshot)


def public_activities(
    *,
    year: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    department: str | None = None,
    country: str | None = None,
    sdg: int | None = None,
) -> ActivityQuerySet:
    """Published activities, filtered; each filter is exact."""
    qs = Activity.objects.published()
    if year is not None:
        qs = qs.filter(_either(Q(year=year), Q(accepted_snapshot__year=year)))
    if kind:
        qs = qs.filter(_either(Q(kind=kind), Q(accepted_snapshot__kind=kind)))
    if status:
        qs = qs.filter(_either(Q(status=status), Q(accepted_snapshot__status=status)))
    if department:
        qs = qs.filter(_either(Q(lead_department__code=department), Q(accepted_snapshot__lead_department=department)))
    if country:
        # A subquery, not a join: one row per activity, whatever its countries.
        live = Q(pk__in=Activity.countries.through.objects.filter(country_id=country).values("activity_id"))
        qs = qs.filter(_either(live, Q(accepted_snapshot__countries__regex=rf'"{country}"')))
    if sdg is not None:
        live = Q(pk__in=Activity.sdgs.through.objects.filter(sustainabledevelopmentgoal_id=sdg).values("activity_id"))
        qs = qs.filter(_either(live, Q(accepted_snapshot__sdgs__regex=rf"(^|[^0-9]){sdg}([^0-9]|$)")))
    return qs


def public_record(activity: Activity) -> dict:
    """The public flat record: the accepted snapshot while under revision."""
    if activity.review_state == ReviewState.ACCEPTED or not activity.accepted_snapshot:
        record = activity_record(activity)
    else:
        record = dict(activity.accepted_snapshot)
    for name in _INTERNAL:
        record.pop(name, None)
    return record


def with_record_data(qs: ActivityQuerySet) -> ActivityQuerySet:
    return qs.select_related("lead_department", "programme").prefetch_related(*ACTIVITY_RECORD_PREFETCH)
