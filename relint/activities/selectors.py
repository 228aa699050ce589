"""Reads of activities.

For the staff pages: the filtered list, one activity with everything its
detail page shows, and what an activity still lacks. Who may see what is
`relint.departments.permissions`; the filters here only narrow what it allows.

For the API and the exports: public activities. An accepted activity that a
department is revising is shown as it was accepted (its `accepted_snapshot`),
so filters apply to the live columns of accepted activities and to the
snapshot of the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from relint.activities.models import (
    Activity,
    ActivityAttachment,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    ActivityQuerySet,
    FundingLine,
    ReviewEvent,
    ReviewState,
)
from relint.activities.serializers import ACTIVITY_RECORD_PREFETCH, activity_record
from relint.departments import permissions
from relint.workspace.selectors import missing_labels, with_missing_flags

# Rows per page of the activity list.
PAGE_SIZE = 25


@dataclass(frozen=True)
class ActivityFilters:
    """Validated filter values (see `forms.ActivityFilterForm`); None means
    "any"."""

    year: int | None = None
    department: object | None = None
    kind: str | None = None
    status: str | None = None
    review_state: str | None = None
    country: object | None = None
    city: object | None = None
    organisation: object | None = None
    sdg: object | None = None
    programme: object | None = None
    text: str | None = None


def activity_list(user, filters: ActivityFilters) -> QuerySet[Activity]:
    """The activities the user may see that match the filters, with what the
    list shows loaded in a fixed number of queries."""
    qs = permissions.visible_activities(user)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.department:
        participating = Activity.departments.through.objects.filter(department=filters.department).values("activity_id")
        qs = qs.filter(Q(lead_department=filters.department) | Q(pk__in=participating))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.review_state:
        qs = qs.filter(review_state=filters.review_state)
    # Subqueries rather than joins: no duplicate rows, no DISTINCT.
    if filters.country:
        in_country = Activity.countries.through.objects.filter(
            activity_id=OuterRef("pk"), country_id=filters.country.pk
        )
        city_in_country = ActivityPartnerCity.objects.filter(
            activity_id=OuterRef("pk"), city__country_id=filters.country.pk
        )
        qs = qs.filter(Q(Exists(in_country)) | Q(Exists(city_in_country)))
    if filters.city:
        qs = qs.filter(Exists(ActivityPartnerCity.objects.filter(activity_id=OuterRef("pk"), city=filters.city)))
    if filters.organisation:
        qs = qs.filter(
            Exists(
                ActivityPartnerOrganisation.objects.filter(
                    activity_id=OuterRef("pk"), organisation=filters.organisation
                )
            )
        )
    if filters.sdg:
        qs = qs.filter(
            Exists(
                Activity.sdgs.through.objects.filter(
                    activity_id=OuterRef("pk"), sustainabledevelopmentgoal_id=filters.sdg.pk
                )
            )
        )
    if filters.programme:
        line = FundingLine.objects.filter(activity_id=OuterRef("pk"), programme=filters.programme)
        qs = qs.filter(Q(programme=filters.programme) | Q(Exists(line)))
    if filters.text:
        words = filters.text.split()
        for word in words[:10]:
            qs = qs.filter(
                Q(title_it__icontains=word)
                | Q(title_en__icontains=word)
                | Q(description_it__icontains=word)
                | Q(description_en__icontains=word)
            )
    return qs.select_related("lead_department").order_by("-year", "lead_department__table_order", "title_it", "pk")


def activity_detail(pk: int) -> Activity:
    """One activity with everything its detail page shows (raises
    DoesNotExist; the view checks visibility)."""
    return (
        Activity.objects.select_related("lead_department", "programme", "copied_from", "created_by")
        .prefetch_related(
            "departments",
            "countries",
            "sdgs",
            Prefetch("city_links", queryset=ActivityPartnerCity.objects.select_related("city__country")),
            Prefetch("organisation_links", queryset=ActivityPartnerOrganisation.objects.select_related("organisation")),
            Prefetch("funding_lines", queryset=FundingLine.objects.select_related("programme", "funder")),
            "links",
            Prefetch("attachments", queryset=ActivityAttachment.objects.select_related("uploaded_by")),
            Prefetch("review_events", queryset=ReviewEvent.objects.select_related("actor").order_by("-at", "-pk")),
        )
        .get(pk=pk)
    )


def missing_for(activity: Activity) -> list:
    """The labels of the required fields the activity still lacks."""
    annotated = with_missing_flags(Activity.objects.filter(pk=activity.pk)).first()
    return missing_labels(annotated) if annotated else []


# --- Public activities (API, exports) -------------------------------------------------
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
    qs = Activity.objects.public()
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
