"""Activities of the departments, their partners, funding and SDGs, and the
yearly reporting round with its review workflow."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relint.core.integrity import text_integrity
from relint.core.models import BilingualNameMixin, Country, DatePrecision, Timestamped, history

MIN_YEAR = 1990
MAX_YEAR = 2100


def _in_english() -> bool:
    return (get_language() or "it").startswith("en")


# --- Reference data -------------------------------------------------------------
@text_integrity
class SustainableDevelopmentGoal(BilingualNameMixin, models.Model):
    """One of the 17 UN Sustainable Development Goals (loaded by a migration)."""

    number = models.PositiveSmallIntegerField(
        _("number"), primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    name_it = models.CharField(_("name (Italian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=17), name="activities_sdg_range")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ProgrammeLevel(models.TextChoices):
    EU = "eu", _("European Union")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    INTERNATIONAL = "international", _("International")
    OTHER = "other", _("Other")


@text_integrity
class FundingProgramme(BilingualNameMixin, Timestamped):
    """A funding programme: FSE (ESF), FESR (ERDF), URBAN II, Interreg,
    Horizon Europe, Erasmus+, a national or regional fund..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_it = models.CharField(_("name (Italian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=ProgrammeLevel.choices)
    period = models.CharField(_("programming period"), max_length=20, blank=True, help_text=_("For example 2021-2027."))

    history = history()

    class Meta:
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        ordering = ["level", "name_it"]

    def __str__(self) -> str:
        return self.name


# --- Activities ---------------------------------------------------------------------
class ActivityKind(models.TextChoices):
    NETWORK = "network", _("Thematic network membership or office")
    EU_PROJECT = "eu_project", _("European project")
    COOPERATION = "cooperation", _("Decentralized cooperation project")
    AWARD = "award", _("International award")
    EVENT = "event", _("International event")
    EXCHANGE = "exchange", _("Exchange")
    BEST_PRACTICE = "best_practice", _("Best-practice exchange")
    TRAINING = "training", _("Training")
    MISSION = "mission", _("Mission or delegation")
    PROMOTION = "promotion", _("Promotion or press abroad")
    PRESENTATION = "presentation", _("Presentation abroad")
    SPORT_EVENT = "sport_event", _("International sport event")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with a comment")
    ACCEPTED = "accepted", _("Accepted")


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")
    FUNDER = "funder", _("Funder")
    IMPLEMENTER = "implementer", _("Implementer")


def public_parts() -> tuple[models.Q, models.Q]:
    """The two disjoint halves of `ActivityQuerySet.public()`: accepted and
    public now, or under revision with a public accepted snapshot.

    Queried apart, each is served by the (review_state, is_public, year)
    index, the first without reading a row: the portal counts and lists
    years through them (relint/portal/selectors.py) instead of evaluating
    the snapshot's JSON on every row (0.1-0.25 s at 100,000 activities).
    The states under revision are listed rather than written "not
    accepted", which no index serves; the CHECK constraint on
    `review_state` makes the two the same. `public()` keeps its own form:
    with the list, SQLite's planner chose a multi-index OR that made the
    ordered "newest first" reads slower. A test checks that the halves add
    up to `public()`.
    """
    accepted = models.Q(review_state=ReviewState.ACCEPTED, is_public=True)
    revised = models.Q(
        review_state__in=[state for state in ReviewState.values if state != ReviewState.ACCEPTED],
        accepted_snapshot__isnull=False,
        accepted_snapshot__is_public=True,
    )
    return accepted, revised


class ActivityQuerySet(models.QuerySet):
    def for_year(self, year: int) -> ActivityQuerySet:
        return self.filter(year=year)

    def accepted(self) -> ActivityQuerySet:
        return self.filter(review_state=ReviewState.ACCEPTED)

    def public(self) -> ActivityQuerySet:
        """What anyone may see: accepted by the coordinator and marked public.

        An accepted activity reopened for a new revision stays public through
        its `accepted_snapshot` (what the portal and report then show) until
        the revision is accepted in turn.
        """
        return self.filter(
            models.Q(review_state=ReviewState.ACCEPTED, is_public=True)
            | (
                ~models.Q(review_state=ReviewState.ACCEPTED)
                & models.Q(accepted_snapshot__isnull=False, accepted_snapshot__is_public=True)
            )
        )

    def has_accepted_version(self) -> ActivityQuerySet:
        """Accepted now, or accepted before and under revision: the report
        uses `accepted_snapshot` for the latter."""
        return self.filter(models.Q(review_state=ReviewState.ACCEPTED) | models.Q(accepted_snapshot__isnull=False))

    def in_report(self, year: int) -> ActivityQuerySet:
        """What the annual report of `year` accounts for: every activity with an
        accepted version, that is accepted now or accepted and under revision
        (its `accepted_snapshot` is what the report shows). The snapshot's own
        year decides, so the report reads it, not the live column; the live
        year narrows the scan and the caller drops a snapshot of another year."""
        return self.filter(accepted_snapshot__isnull=False).filter(
            models.Q(year=year) | models.Q(accepted_snapshot__year=year)
        )

    def of_department(self, department) -> ActivityQuerySet:
        """Led by the department, or involving it."""
        return self.filter(models.Q(lead_department=department) | models.Q(departments=department)).distinct()

    def with_related(self) -> ActivityQuerySet:
        return self.select_related("lead_department", "programme").prefetch_related("departments", "countries", "sdgs")


@text_integrity
class Activity(Timestamped):
    """One international activity of a department in a reporting year."""

    uid = models.UUIDField(_("stable identifier"), default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(
        _("reporting year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)], db_index=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("description (Italian)"), max_length=10000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=10000, blank=True)
    results_it = models.TextField(_("results (Italian)"), max_length=10000, blank=True)
    results_en = models.TextField(_("results (English)"), max_length=10000, blank=True)
    lead_department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="led_activities",
    )
    departments = models.ManyToManyField(
        "departments.Department",
        verbose_name=_("participating departments"),
        blank=True,
        related_name="participating_activities",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_precision = models.CharField(
        _("precision of the start date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_precision = models.CharField(
        _("precision of the end date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="activities")
    partner_cities = models.ManyToManyField(
        "partners.PartnerCity",
        through="ActivityPartnerCity",
        verbose_name=_("partner cities"),
        blank=True,
        related_name="activities",
    )
    partner_organisations = models.ManyToManyField(
        "partners.Organisation",
        through="ActivityPartnerOrganisation",
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="activities",
    )
    programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text=_("For a European project, the programme it belongs to."),
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, verbose_name=_("SDG goals"), blank=True, related_name="activities"
    )
    dac_sector = models.CharField(
        _("DAC sector"),
        max_length=5,
        blank=True,
        help_text=_("OECD DAC 5-digit purpose code, for cooperation projects published to IATI."),
    )
    iati_publish = models.BooleanField(
        _("publish to IATI"), default=False, help_text=_("Cooperation projects are published in any case.")
    )
    is_public = models.BooleanField(_("public"), default=True, help_text=_("Shown on the public portal once accepted."))
    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT, db_index=True
    )
    review_comment = models.TextField(
        _("coordinator's comment"), max_length=4000, blank=True, help_text=_("Why the activity was returned.")
    )
    accepted_snapshot = models.JSONField(
        _("accepted version"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The record as last accepted: what the report and portal show while a revision awaits review."),
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        help_text=_("The previous year's activity this one continues."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every edit made through relint; guards against lost updates."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ActivityQuerySet.as_manager()
    history = history(m2m_fields=("departments", "countries", "sdgs"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-year", "lead_department__table_order", "title_it"]
        indexes = [
            models.Index(fields=["year", "lead_department"], name="activities_year_dept_idx"),
            models.Index(fields=["review_state", "is_public", "year"], name="activities_public_idx"),
            # The portal's and the API's filter on year and kind, and their counts.
            models.Index(fields=["year", "kind"], name="activities_year_kind_idx"),
            # The portal's "newest first" (year, then id): PostgreSQL read the
            # whole table and sorted it for the home page's five latest.
            models.Index(fields=["year", "id"], name="activities_year_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="activities_activity_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="activities_activity_dates_ordered",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="activities_activity_version_positive"),
            models.CheckConstraint(
                condition=~models.Q(review_state="returned") | ~models.Q(review_comment=""),
                name="activities_activity_returned_has_comment",
                violation_error_message=_("A returned activity needs the coordinator's comment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.title}"

    @property
    def title(self) -> str:
        return self.title_en if _in_english() and self.title_en else self.title_it

    @property
    def description(self) -> str:
        return self.description_en if _in_english() and self.description_en else self.description_it

    @property
    def results(self) -> str:
        return self.results_en if _in_english() and self.results_en else self.results_it

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])


@text_integrity
class ActivityPartnerCity(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="city_links"
    )
    city = models.ForeignKey(
        "partners.PartnerCity", verbose_name=_("partner city"), on_delete=models.PROTECT, related_name="activity_links"
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER)

    history = history()

    class Meta:
        verbose_name = _("activity partner city")
        verbose_name_plural = _("activity partner cities")
        ordering = ["activity", "city__name_it"]
        constraints = [models.UniqueConstraint(fields=["activity", "city"], name="activities_partnercity_unique")]

    def __str__(self) -> str:
        return f"{self.city} ({self.get_role_display()})"


@text_integrity
class ActivityPartnerOrganisation(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="organisation_links"
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="activity_links",
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER)

    history = history()

    class Meta:
        verbose_name = _("activity partner organisation")
        verbose_name_plural = _("activity partner organisations")
        ordering = ["activity", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "organisation"], name="activities_partnerorg_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class FundingSource(models.TextChoices):
    CITY = "city", _("City budget")
    EU = "eu", _("European Union")
    NATIONAL = "national", _("National government")
    REGION = "region", _("Region")
    OTHER_PUBLIC = "other_public", _("Other public body")
    PRIVATE = "private", _("Private funder or sponsor")
    PARTNER = "partner", _("Partners' contribution")


@text_integrity
class FundingLine(models.Model):
    """One source of an activity's funding, with its amount in EUR."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="funding_lines"
    )
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
    )
    funder = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
    )
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = history()

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["activity", "-amount"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="activities_funding_amount_non_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: € {self.amount}"


@text_integrity
class ActivityLink(models.Model):
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("address"), max_length=500)
    label = models.CharField(_("label"), max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["activity", "pk"]
        constraints = [
            # URLField's validator already refuses other schemes; the database
            # refuses them too, so no importer can store a javascript: link.
            models.CheckConstraint(
                condition=models.Q(url__startswith="http://") | models.Q(url__startswith="https://"),
                name="activities_link_http_only",
            )
        ]

    def __str__(self) -> str:
        return self.label or self.url


def activity_attachment_path(instance: ActivityAttachment, filename: str) -> str:
    return f"activities/{instance.activity.uid}/{filename}"


@text_integrity
class ActivityAttachment(Timestamped):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=activity_attachment_path, max_length=500)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = history()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["activity", "title"]

    def __str__(self) -> str:
        return self.title


# --- The yearly reporting round -----------------------------------------------------------
class RoundState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReportingRoundQuerySet(models.QuerySet):
    def current(self) -> ReportingRound | None:
        return self.filter(state=RoundState.OPEN).order_by("-year").first()


@text_integrity
class ReportingRound(Timestamped):
    """The yearly round in which departments enter and submit their
    activities and the coordinator reviews them."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=20, choices=RoundState.choices, default=RoundState.PLANNED)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)

    objects = ReportingRoundQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="activities_round_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True)
                | models.Q(opened_at__isnull=True)
                | models.Q(closed_at__gte=models.F("opened_at")),
                name="activities_round_close_after_open",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="closed") | models.Q(closed_at__isnull=False),
                name="activities_round_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reporting round %(year)s") % {"year": self.year})


@text_integrity
class ReviewEvent(models.Model):
    """One step of the review workflow: who moved an activity from which
    state to which, when, and with what comment. Never edited."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="review_events"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=ReviewState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ReviewState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="review_events"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    activity_version = models.PositiveIntegerField(_("activity version"))

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["activity", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_state=models.F("to_state")), name="activities_review_event_changes_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.from_state} → {self.to_state}"
