"""Views of the public portal: thin, read-only, open to anyone.

Each view reads through `relint.portal.selectors` (which applies the models'
visibility rules) and renders a template of `templates/portal/`, all built
on the portal's own layout `portal/base.html`. The pages are served through
the public cache (`relint.portal.cache`), which is never stale.
"""

from __future__ import annotations

import uuid

from django.core.paginator import EmptyPage, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from relint.partners.models import PartnerCity
from relint.portal import selectors
from relint.portal.cache import public_cache
from relint.portal.forms import ActivityFilterForm
from relint.reports.models import Language

ACTIVITIES_PER_PAGE = 20


def _language() -> str:
    return "en" if (get_language() or "it").startswith("en") else "it"


@require_safe
@public_cache
def home(request: HttpRequest) -> HttpResponse:
    """Key figures, the map of partner cities, the latest activities and the
    latest published report (`portal/home.html`)."""
    context = {
        "figures": selectors.key_figures(),
        "cities": selectors.city_entries(),
        "recent": selectors.recent_activities(),
        "report": selectors.latest_report(_language()),
    }
    return render(request, "portal/home.html", context)


@require_safe
@public_cache
def city_list(request: HttpRequest) -> HttpResponse:
    """The world map of partner cities and the equivalent list (`portal/city_list.html`)."""
    return render(request, "portal/city_list.html", {"cities": selectors.city_entries()})


@require_safe
@public_cache
def city_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A partner city: its relations as a timeline and its public activities
    by year (`portal/city_detail.html`)."""
    city = get_object_or_404(PartnerCity.objects.with_country(), uid=uid)
    context = {
        "city": city,
        "relations": selectors.city_relations(city),
        "years": selectors.city_activity_years(city),
        "recent": selectors.city_recent_activities(city),
        "recent_limit": selectors.CITY_RECENT_ACTIVITIES,
    }
    return render(request, "portal/city_detail.html", context)


@require_safe
@public_cache
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The organisations, in the lists of the seed pages (`portal/organisation_list.html`)."""
    titles = {
        "ngos": _("Non-governmental organisations (NGOs)"),
        "committees": _("Committees and networks of NGOs"),
        "city-owned": _("City-owned companies and bodies"),
        "profit": _("PROFIT"),
        "non-profit": _("NO PROFIT"),
        "training": _("Training institutes and universities"),
        "missionary": _("Missionary institutes"),
        "territorial": _("Territorial authorities"),
        "others": _("International organisations, companies and others"),
    }
    return render(request, "portal/organisation_list.html", {"sections": selectors.organisations_by_kind(titles)})


@require_safe
@public_cache
def activity_list(request: HttpRequest) -> HttpResponse:
    """Public activities, filtered by a validated GET form and paginated
    (`portal/activity_list.html`). Bad filter values get the form's message
    and a 400, never a server error."""
    form = ActivityFilterForm(request.GET or None, years=selectors.public_years())
    if request.GET and not form.is_valid():
        return render(request, "portal/activity_list.html", {"form": form, "page": None}, status=400)
    filters = form.filters() if request.GET else selectors.ActivityFilters()
    number = (form.cleaned_data.get("page") if request.GET else None) or 1
    paginator = Paginator(selectors.public_ids(selectors.filtered_activities(filters)), ACTIVITIES_PER_PAGE)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise Http404(_("There is no such page of results.")) from None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "activities": selectors.for_list(page.object_list),
        "query": query.urlencode(),
    }
    return render(request, "portal/activity_list.html", context)


@require_safe
@public_cache
def activity_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A public activity (`portal/activity_detail.html`); 404 for any other."""
    activity = selectors.activity_detail(uid)
    if activity is None:
        raise Http404(_("No public activity has this address."))
    return render(request, "portal/activity_detail.html", {"activity": activity})


@require_safe
@public_cache
def coordination_table(request: HttpRequest) -> HttpResponse:
    """The coordination table: its departments with their scopes and its
    public meeting outcomes (`portal/coordination_table.html`)."""
    context = {"memberships": selectors.table_memberships(), "decisions": selectors.public_decisions()}
    return render(request, "portal/coordination_table.html", context)


@require_safe
@public_cache
def report_list(request: HttpRequest) -> HttpResponse:
    """The archive of published annual reports (`portal/report_list.html`)."""
    return render(request, "portal/report_list.html", {"reports": selectors.published_reports()})


@require_safe
def report_file(request: HttpRequest, year: int, language: str, edition: str) -> FileResponse:
    """A published report's PDF or HTML edition.

    Served here rather than from MEDIA_URL so that only published builds can
    be downloaded: a queued, failed or withdrawn build's file stays private.
    """
    if language not in Language.values or edition not in ("pdf", "html"):
        raise Http404(_("No published report has this address."))
    report = selectors.published_report(year, language)
    field = None if report is None else (report.file if edition == "pdf" else report.html_file)
    if not field:
        raise Http404(_("No published report has this address."))
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file of this report is missing.")) from None
    if edition == "pdf":
        return FileResponse(
            handle, content_type="application/pdf", filename=f"relint-report-{year}-{language}.pdf", as_attachment=False
        )
    return FileResponse(handle, content_type="text/html; charset=utf-8")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice (`portal/privacy.html`)."""
    return render(request, "portal/privacy.html")


@require_safe
def legal_notes(request: HttpRequest) -> HttpResponse:
    """The legal notes (`portal/legal_notes.html`)."""
    return render(request, "portal/legal_notes.html")
