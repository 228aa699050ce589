"""The annual internationalization report: its per-year foreword and every
build, kept as a version with its checksum."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relint.activities.models import MAX_YEAR, MIN_YEAR
from relint.core.integrity import text_integrity
from relint.core.models import Timestamped, history


class Language(models.TextChoices):
    IT = "it", _("Italian")
    EN = "en", _("English")


@text_integrity
class ReportForeword(Timestamped):
    """The coordinator's foreword to a year's report, in both languages."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    text_it = models.TextField(_("foreword (Italian)"), max_length=20000, blank=True)
    text_en = models.TextField(_("foreword (English)"), max_length=20000, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = _("report foreword")
        verbose_name_plural = _("report forewords")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(_("Foreword %(year)s") % {"year": self.year})


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Building")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BuildStage(models.TextChoices):
    """The stages of a build, in the order the worker runs them."""

    DATA = "data", _("Assembling the data")
    CHARTS = "charts", _("Drawing the charts and the map")
    COMPILE = "compile", _("Typesetting the PDF")
    STORE = "store", _("Writing the HTML edition and storing the files")


class AnnualReportQuerySet(models.QuerySet):
    def published(self) -> AnnualReportQuerySet:
        return self.filter(state=ReportState.PUBLISHED)


def report_path(instance: AnnualReport, filename: str) -> str:
    return f"reports/{instance.year}/{instance.language}/{filename}"


@text_integrity
class AnnualReport(Timestamped):
    """One build of the annual report for a year and language. A published
    build never changes; at most one per year and language is published."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    state = models.CharField(_("state"), max_length=20, choices=ReportState.choices, default=ReportState.QUEUED)
    file = models.FileField(_("PDF file"), upload_to=report_path, max_length=500, blank=True)
    html_file = models.FileField(_("HTML edition"), upload_to=report_path, max_length=500, blank=True)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True, help_text=_("What the build contains."))
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    error = models.TextField(_("error"), max_length=4000, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("How far the build has gone, shown while it runs."),
    )
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=BuildStage.choices,
        blank=True,
        help_text=_("The stage the build is in, or was in when it failed."),
    )

    objects = AnnualReportQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "language", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "language"],
                condition=models.Q(state="published"),
                name="reports_one_published_per_year_language",
                violation_error_message=_("Another build of this year and language is already published."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["ready", "published"]) | ~models.Q(sha256=""),
                name="reports_ready_has_checksum",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="reports_published_has_date",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reports_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.language.upper()} · {self.get_state_display()}"

    @property
    def stage_number(self) -> int:
        """The stage's place among the build's stages (1 to 4), 0 before the first."""
        return BuildStage.values.index(self.stage) + 1 if self.stage else 0

    @property
    def stage_count(self) -> int:
        return len(BuildStage.values)
