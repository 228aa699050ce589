"""Views of the import: upload and dry run, the confirmed commit, the
template and the filled export.

Who may do what is decided by `services.can_import` and, row by row, by
`relint.departments.permissions` inside the planning and the services.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from relint.activities.models import Activity
from relint.departments import permissions
from relint.exchange import services, workbook
from relint.exchange.forms import ExportForm, UploadForm
from relint.exchange.models import ImportRun

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_allowed(view):
    """Signed in (else to the sign-in page) and allowed to import (else 403)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not services.can_import(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _visible_runs(user):
    runs = ImportRun.objects.select_related("user").defer("content", "report")
    return runs if permissions.is_coordinator(user) else runs.of_user(user)


@require_http_methods(["GET", "HEAD", "POST"])
@import_allowed
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form, the export form and the user's recent imports.
    Template: exchange/upload.html."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        run = services.import_run_check(user=request.user, content=upload_file.read(), filename=upload_file.name)
        return redirect(run)
    context = {
        "form": form,
        "export_form": ExportForm(user=request.user),
        "runs": _visible_runs(request.user)[:20],
    }
    return render(request, "exchange/upload.html", context, status=400 if form.errors else 200)


@require_safe
@import_allowed
def run(request: HttpRequest, uid) -> HttpResponse:
    """The dry run of one uploaded file. Template: exchange/run.html."""
    import_run = get_object_or_404(_visible_runs(request.user).defer(None), uid=uid)
    rows = import_run.report.get("rows", [])
    context = {
        "run": import_run,
        "errors": [row for row in rows if row["action"] == "error"],
        "new": [row for row in rows if row["action"] == "new"],
        "changed": [row for row in rows if row["action"] == "changed"],
        "can_commit": import_run.can_commit and import_run.user_id == request.user.pk,
    }
    return render(request, "exchange/run.html", context)


@require_POST
@import_allowed
def commit(request: HttpRequest, uid) -> HttpResponse:
    import_run = get_object_or_404(_visible_runs(request.user), uid=uid)
    if import_run.user_id != request.user.pk:
        raise Http404
    try:
        import_run = services.import_run_commit(user=request.user, run=import_run)
    except services.ImportRefusedError as refusal:
        messages.error(request, str(refusal))
        return redirect(import_run)
    if import_run.state == "committed":
        counts = import_run.counts
        messages.success(
            request,
            _("Imported: %(new)d new and %(changed)d changed activities; %(unchanged)d unchanged.") % counts,
        )
    else:
        messages.error(request, import_run.error)
    return redirect(import_run)


@require_safe
@import_allowed
def template(request: HttpRequest) -> HttpResponse:
    """The empty template, with its drop-down lists and instructions."""
    language = request.GET.get("language") or request.LANGUAGE_CODE
    language = language if language in ("it", "en") else "it"
    content = workbook.write_workbook(user=request.user, activities=None, language=language)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="relint-template-{language}.xlsx"'
    return response


@require_safe
@import_allowed
def export(request: HttpRequest) -> HttpResponse:
    """A department's activities of a year (or of every year) as a filled
    template, with the uid that lets the edited file update them."""
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "exchange/upload.html",
            {"form": UploadForm(), "export_form": form, "runs": _visible_runs(request.user)[:20]},
            status=400,
        )
    activities = permissions.visible_activities(request.user, Activity.objects.all())
    department = form.cleaned_data["department"]
    year = form.cleaned_data["year"]
    if department:
        activities = activities.filter(lead_department=department)
    if year:
        activities = activities.filter(year=year)
    language = form.cleaned_data["language"]
    content = workbook.write_workbook(user=request.user, activities=activities, language=language)
    name = "-".join(
        str(part) for part in ("relint-activities", department.code if department else "all", year or "all")
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name.lower()}.xlsx"'
    return response
