"""The report workspace: the coordinator writes a year's foreword, starts
builds (run by the task worker, so no request waits for Typst), follows
their progress, checks them and publishes one per year and language.

Templates: `reports/index.html`, `reports/year.html`, `reports/_build.html`
(a build's row, also the htmx polling fragment).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from relint.activities.models import MAX_YEAR, MIN_YEAR, ReportingRound
from relint.departments import permissions
from relint.reports import services
from relint.reports.forms import BuildForm, ForewordForm
from relint.reports.models import AnnualReport, ReportForeword, ReportState


def coordinator_required(view):
    """Signed in (else to the sign-in page) and coordinator (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not permissions.can_manage_reports(request.user):
            raise PermissionDenied(_("Only the coordinator manages the annual report."))
        return view(request, *args, **kwargs)

    return wrapper


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


@coordinator_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The years with a reporting round or a build, latest first."""
    years = set(ReportingRound.objects.values_list("year", flat=True))
    years |= set(AnnualReport.objects.values_list("year", flat=True))
    years.add(timezone.localdate().year - 1)
    published = {(r.year, r.language): r for r in AnnualReport.objects.published()}
    rows = [
        {"year": y, "it": published.get((y, "it")), "en": published.get((y, "en"))} for y in sorted(years, reverse=True)
    ]
    return render(request, "reports/index.html", {"rows": rows})


def _year_context(year: int, foreword_form=None, build_form=None) -> dict:
    foreword = ReportForeword.objects.filter(year=year).first()
    builds = list(AnnualReport.objects.filter(year=year).select_related("built_by", "published_by"))
    return {
        "year": year,
        "foreword_form": foreword_form or ForewordForm(instance=foreword),
        "build_form": build_form or BuildForm(),
        "builds": builds,
        # Without JavaScript the page reloads itself while a build runs.
        "running": any(b.state in (ReportState.QUEUED, ReportState.BUILDING) for b in builds),
    }


@coordinator_required
@require_safe
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    return render(request, "reports/year.html", _year_context(_year(year)))


@coordinator_required
@require_POST
def foreword_edit(request: HttpRequest, year: int) -> HttpResponse:
    year = _year(year)
    form = ForewordForm(request.POST, instance=ReportForeword.objects.filter(year=year).first())
    if not form.is_valid():
        return render(request, "reports/year.html", _year_context(year, foreword_form=form), status=400)
    try:
        services.foreword_save(user=request.user, year=year, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "reports/year.html", _year_context(year, foreword_form=form), status=400)
    messages.success(request, _("Foreword saved."))
    return redirect("reports:year", year=year)


@coordinator_required
@require_POST
def build_start(request: HttpRequest, year: int) -> HttpResponse:
    """Queue a build; the worker runs it and the page follows it."""
    year = _year(year)
    form = BuildForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/year.html", _year_context(year, build_form=form), status=400)
    report = services.report_request(user=request.user, year=year, language=form.cleaned_data["language"])
    if report.state == ReportState.FAILED:
        messages.error(request, report.error)
    else:
        messages.success(request, _("Build queued. This page shows its progress."))
    return redirect("reports:year", year=year)


@coordinator_required
@require_safe
def build_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A build's row: what htmx swaps in every few seconds while it runs."""
    report = get_object_or_404(AnnualReport.objects.select_related("built_by", "published_by"), pk=pk)
    return render(request, "reports/_build.html", {"report": report, "polling": True})


@coordinator_required
@require_POST
def build_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(AnnualReport, pk=pk)
    try:
        services.report_publish(user=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:year", year=report.year)
    messages.success(request, _("Build published."))
    return redirect("reports:year", year=report.year)


def _file(report: AnnualReport, field: str, content_type: str) -> FileResponse:
    stored = getattr(report, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = "pdf" if field == "file" else "html"
    return FileResponse(
        handle,
        content_type=content_type,
        filename=f"relint-report-{report.year}-{report.language}-{report.pk}.{extension}",
    )


@coordinator_required
@require_safe
def download_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _file(get_object_or_404(AnnualReport, pk=pk), "file", "application/pdf")


@coordinator_required
@require_safe
def download_html(request: HttpRequest, pk: int) -> FileResponse:
    return _file(get_object_or_404(AnnualReport, pk=pk), "html_file", "text/html; charset=utf-8")
