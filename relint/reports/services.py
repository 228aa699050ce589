"""Writes on the annual report: the foreword, a build requested, a build
run, a build published.

Only the coordinator does any of it (`permissions.can_manage_reports`),
checked here so that the workspace, the command and the admin agree. A
build runs in the task worker (`relint.reports.tasks`), never in a web
request: Typst's memory grows with the page count.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relint.departments import permissions
from relint.portal.publication import publication_bump
from relint.reports.models import AnnualReport, BuildStage, Language, ReportForeword, ReportState
from relint.reports.render import ReportRenderError, render_html, render_pdf, with_figures
from relint.reports.selectors import report_data

logger = logging.getLogger(__name__)


def _require_coordinator(user) -> None:
    if not permissions.can_manage_reports(user):
        raise PermissionDenied(_("Only the coordinator manages the annual report."))


@transaction.atomic
def foreword_save(*, user, year: int, text_it: str, text_en: str, signed_by: str) -> ReportForeword:
    """Write or rewrite the foreword of a year's report."""
    _require_coordinator(user)
    foreword = ReportForeword.objects.select_for_update().filter(year=year).first() or ReportForeword(year=year)
    foreword.text_it = text_it
    foreword.text_en = text_en
    foreword.signed_by = signed_by
    foreword.full_clean()
    foreword.save()
    return foreword


def _new_build(*, user, year: int, language: str) -> AnnualReport:
    _require_coordinator(user)
    if language not in Language.values:
        raise ValidationError({"language": _("Choose Italian or English.")})
    report = AnnualReport(year=year, language=language, state=ReportState.QUEUED, built_by=user)
    with transaction.atomic():
        report.full_clean()
        report.save()
    return report


def report_build_now(*, user, year: int, language: str) -> AnnualReport:
    """Build in this process, for `manage.py build_report --archive`: the
    command runs outside any web worker."""
    report = _new_build(user=user, year=year, language=language)
    return report_build(report_id=report.pk)


def report_request(*, user, year: int, language: str) -> AnnualReport:
    """Queue a build of the report of `year` in `language` and return it.

    The row is committed before the task is queued, so the worker always
    finds it; with the immediate backend (tests) the build runs right here.
    """
    from relint.reports.tasks import build_annual_report

    report = _new_build(user=user, year=year, language=language)
    build_annual_report.enqueue(report.pk)
    report.refresh_from_db()
    return report


# Where each stage starts, in percent of a build: measured on the 1,000
# activities benchmark, the Typst compile is about 80 % of the time.
STAGE_PROGRESS = {BuildStage.DATA: 5, BuildStage.CHARTS: 12, BuildStage.COMPILE: 15, BuildStage.STORE: 92}


def _step(report: AnnualReport, stage: str) -> None:
    # A plain UPDATE, committed at once: the page polling the build reads it
    # while the worker goes on (the build holds no transaction open).
    progress = STAGE_PROGRESS[stage]
    AnnualReport.objects.filter(pk=report.pk).update(stage=stage, progress=progress, updated_at=timezone.now())
    report.stage, report.progress = stage, progress


def report_build(*, report_id: int) -> AnnualReport:
    """Build a queued report: assemble the data, draw the charts, typeset the
    PDF, write the HTML edition, store both with the PDF's checksum. Each
    stage is written to the row as it starts, for the page to show.

    Any failure leaves the row FAILED with the reason and the stage it
    failed in, and no file.
    """
    claimed = AnnualReport.objects.filter(pk=report_id, state=ReportState.QUEUED).update(
        state=ReportState.BUILDING, progress=0, updated_at=timezone.now()
    )
    report = AnnualReport.objects.get(pk=report_id)
    if not claimed:
        # Already built, or being built by another worker.
        return report
    try:
        _step(report, BuildStage.DATA)
        data = report_data(year=report.year, language=report.language)
        _step(report, BuildStage.CHARTS)
        data = with_figures(data)
        _step(report, BuildStage.COMPILE)
        rendered = render_pdf(data)
        _step(report, BuildStage.STORE)
        with translation.override(report.language):
            html = render_html(data)
    except ReportRenderError as exc:
        return _fail(report, _("Typst could not typeset the report: %(error)s") % {"error": exc})
    except Exception as exc:  # the worker must record every failure, whatever it is
        logger.exception("Building report %s failed", report_id)
        return _fail(report, _("The build failed: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"})

    digest = hashlib.sha256(rendered.content).hexdigest()
    stem = f"relint-report-{report.year}-{report.language}-{digest[:12]}"
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report_id)
        # The file name carries the checksum and the storage never overwrites:
        # a file once written, published or not, never changes.
        report.file.save(f"{stem}.pdf", ContentFile(rendered.content), save=False)
        report.html_file.save(f"{stem}.html", ContentFile(html.encode("utf-8")), save=False)
        report.sha256 = digest
        report.size = len(rendered.content)
        report.page_count = rendered.page_count
        report.counts = {**data["counts"], "pages": rendered.page_count}
        report.built_at = timezone.now()
        report.state = ReportState.READY
        report.progress = 100
        report.stage = ""
        report.error = ""
        report.full_clean()
        report.save()
    return report


def _fail(report: AnnualReport, message: str) -> AnnualReport:
    AnnualReport.objects.filter(pk=report.pk).update(
        state=ReportState.FAILED, error=message[:4000], updated_at=timezone.now()
    )
    report.refresh_from_db()
    return report


@transaction.atomic
def report_publish(*, user, report: AnnualReport) -> AnnualReport:
    """Publish a ready build; the build published before for the same year
    and language is withdrawn (its file stays in the archive)."""
    _require_coordinator(user)
    current = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if current.state != ReportState.READY:
        raise ValidationError(
            _("Only a ready build can be published; this one is %(state)s.") % {"state": current.get_state_display()}
        )
    for previous in AnnualReport.objects.select_for_update().filter(
        year=current.year, language=current.language, state=ReportState.PUBLISHED
    ):
        previous.state = ReportState.WITHDRAWN
        previous.full_clean()
        previous.save()
    current.state = ReportState.PUBLISHED
    current.published_at = timezone.now()
    current.published_by = user
    current.full_clean()
    current.save()
    publication_bump()
    return current
