"""Reads for the staff workspace.

Every selector here answers one screen in a fixed number of queries, however
many activities a round holds: counts come from `aggregate`/`annotate` in the
database, and lists are cut to `LIST_LIMIT` rows (their full length comes
from the counts). The dashboard tests hold the query count equal for 20 and
2,000 activities.

Who may see what is decided by `relint.departments.permissions`; nothing here
repeats those rules.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relint.activities.models import Activity, ActivityPartnerCity, ReportingRound, ReviewState
from relint.departments import permissions
from relint.departments.models import Department, StaffRole

# How many rows a dashboard list shows; the counts above it give the total.
LIST_LIMIT = 25


# --- What an activity needs before it can be submitted ------------------------
@dataclass(frozen=True)
class Requirement:
    """One piece of information an activity needs before it is submitted.

    `missing` builds the condition, on an Activity queryset, that is true when
    the activity lacks it. It is a function because a Q holding a subquery
    must not be shared between querysets.
    """

    key: str
    label: str | Promise
    missing: Callable[[], Q]


def _lacks_place() -> Q:
    countries = Activity.countries.through.objects.filter(activity_id=OuterRef("pk"))
    cities = ActivityPartnerCity.objects.filter(activity_id=OuterRef("pk"))
    return Q(~Exists(countries)) & Q(~Exists(cities))


# The single list of required fields: the dashboard, and later the submit
# action, read it from here.
REQUIRED_FOR_SUBMISSION: tuple[Requirement, ...] = (
    Requirement("description_it", _("description in Italian"), lambda: Q(description_it="")),
    Requirement("start_date", _("start date"), lambda: Q(start_date__isnull=True)),
    Requirement("place", _("at least one country or partner city"), _lacks_place),
    # The database refuses an empty status today; the rule stays listed so
    # that the list is complete if the field ever becomes optional.
    Requirement("status", _("status"), lambda: Q(status="")),
)


def missing_anything() -> Q:
    """True for an activity that lacks at least one required field."""
    return reduce(or_, (requirement.missing() for requirement in REQUIRED_FOR_SUBMISSION))


def with_missing_flags(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Annotate `lacks_<key>` booleans, read back by `missing_labels()`."""
    return activities.annotate(
        **{
            f"lacks_{requirement.key}": ExpressionWrapper(requirement.missing(), output_field=BooleanField())
            for requirement in REQUIRED_FOR_SUBMISSION
        }
    )


def missing_labels(activity: Activity) -> list[str | Promise]:
    """The labels of what an activity annotated by `with_missing_flags` lacks."""
    return [
        requirement.label
        for requirement in REQUIRED_FOR_SUBMISSION
        if getattr(activity, f"lacks_{requirement.key}", False)
    ]


# --- The reporting round --------------------------------------------------------
@dataclass(frozen=True)
class RoundInfo:
    round: ReportingRound
    today: datetime.date

    @property
    def days_left(self) -> int:
        """Days until the deadline: 0 on the day itself, negative once overdue."""
        return (self.round.deadline - self.today).days

    @property
    def is_overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def current_round(today: datetime.date | None = None) -> RoundInfo | None:
    reporting_round = ReportingRound.objects.current()
    if reporting_round is None:
        return None
    return RoundInfo(reporting_round, today or timezone.localdate())


# --- Counts ---------------------------------------------------------------------------
@dataclass
class StateCounts:
    """How many activities are in each review state, and how many lack a
    required field."""

    draft: int = 0
    submitted: int = 0
    returned: int = 0
    accepted: int = 0
    missing: int = 0
    last_update: datetime.datetime | None = None

    @property
    def total(self) -> int:
        return self.draft + self.submitted + self.returned + self.accepted

    @property
    def not_submitted(self) -> int:
        return self.draft + self.returned

    def add(self, other: StateCounts) -> None:
        self.draft += other.draft
        self.submitted += other.submitted
        self.returned += other.returned
        self.accepted += other.accepted
        self.missing += other.missing
        if other.last_update and (self.last_update is None or other.last_update > self.last_update):
            self.last_update = other.last_update


def _count_expressions() -> dict:
    return {
        "draft": Count("pk", filter=Q(review_state=ReviewState.DRAFT)),
        "submitted": Count("pk", filter=Q(review_state=ReviewState.SUBMITTED)),
        "returned": Count("pk", filter=Q(review_state=ReviewState.RETURNED)),
        "accepted": Count("pk", filter=Q(review_state=ReviewState.ACCEPTED)),
        "missing": Count("pk", filter=missing_anything()),
        "last_update": Max("updated_at"),
    }


def _counts(values: dict) -> StateCounts:
    return StateCounts(
        draft=values["draft"],
        submitted=values["submitted"],
        returned=values["returned"],
        accepted=values["accepted"],
        missing=values["missing"],
        last_update=values["last_update"],
    )


# --- The dashboard of an editor or a viewer ----------------------------------------------
@dataclass
class DepartmentDashboard:
    roles: list[StaffRole]
    round: RoundInfo | None
    counts: StateCounts = field(default_factory=StateCounts)
    returned: list[Activity] = field(default_factory=list)
    incomplete: list[Activity] = field(default_factory=list)
    not_submitted: list[Activity] = field(default_factory=list)
    can_edit: bool = False


def department_dashboard(user, *, today: datetime.date | None = None) -> DepartmentDashboard:
    """What an editor or viewer sees: their departments' activities in the
    current round, by review state, and what is left to do."""
    roles = list(
        StaffRole.objects.filter(user=user, department__isnull=False)
        .select_related("department")
        .order_by("department__table_order", "department__name_it")
    )
    info = current_round(today)
    dashboard = DepartmentDashboard(roles=roles, round=info, can_edit=bool(permissions.editable_department_ids(user)))
    if info is None:
        return dashboard

    # The visibility rule filters with subqueries (no join, no DISTINCT), so
    # the aggregate below stays a single plain query.
    activities = permissions.visible_activities(user, Activity.objects.filter(year=info.round.year))
    dashboard.counts = _counts(activities.aggregate(**_count_expressions()))

    listed = with_missing_flags(activities.select_related("lead_department"))
    dashboard.returned = list(
        listed.filter(review_state=ReviewState.RETURNED).order_by("-updated_at", "pk")[:LIST_LIMIT]
    )
    dashboard.incomplete = list(listed.filter(missing_anything()).order_by("-updated_at", "pk")[:LIST_LIMIT])
    dashboard.not_submitted = list(
        listed.filter(review_state__in=[ReviewState.DRAFT, ReviewState.RETURNED]).order_by("-updated_at", "pk")[
            :LIST_LIMIT
        ]
    )
    # Each list holds its own instances (model equality is by primary key,
    # so a set would skip some of them).
    for activity in [*dashboard.returned, *dashboard.incomplete, *dashboard.not_submitted]:
        activity.missing_labels = missing_labels(activity)
    return dashboard


# --- The coordinator's overview ------------------------------------------------------------
@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    counts: StateCounts


@dataclass
class CoordinatorOverview:
    round: RoundInfo | None
    rows: list[DepartmentRow] = field(default_factory=list)
    totals: StateCounts = field(default_factory=StateCounts)


def coordinator_overview(
    *, today: datetime.date | None = None, reporting_round: ReportingRound | None = None
) -> CoordinatorOverview:
    """The completeness of the current round (or of `reporting_round`), one
    row per department.

    Each activity counts once, in the row of its lead department. Active
    departments without any activity are listed too: they are the ones to
    remind.
    """
    if reporting_round is not None:
        info = RoundInfo(reporting_round, today or timezone.localdate())
    else:
        info = current_round(today)
    overview = CoordinatorOverview(round=info)
    if info is None:
        return overview

    per_department = {
        values["lead_department"]: _counts(values)
        for values in Activity.objects.filter(year=info.round.year)
        .order_by()
        .values("lead_department")
        .annotate(**_count_expressions())
    }
    departments = Department.objects.filter(Q(is_active=True) | Q(pk__in=per_department)).order_by(
        "table_order", "name_it"
    )
    for department in departments:
        counts = per_department.get(department.pk, StateCounts())
        overview.rows.append(DepartmentRow(department, counts))
        overview.totals.add(counts)
    return overview
