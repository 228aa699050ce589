"""Pages of the staff workspace for activities and reporting rounds.

Each view is a thin typed function: it checks who is asking through
`relint.departments.permissions`, validates input with a form from
`forms.py`, and writes through `services.py`. An activity the user may not
see answers 404 (its existence is not revealed); one they see but may not
change answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from relint.activities import forms, selectors, services
from relint.activities.models import Activity, ActivityAttachment, ReportingRound, ReviewState
from relint.core.conflicts import carried, put_value, readable
from relint.core.history import history_entries
from relint.core.widgets import SharedChoices
from relint.departments import permissions
from relint.ops.idempotency import create_once, created_before
from relint.partners import geonames
from relint.partners.models import Organisation, PartnerCity


# --- Helpers ------------------------------------------------------------------
def _visible_or_404(user, pk: int) -> Activity:
    try:
        activity = selectors.activity_detail(pk)
    except Activity.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_activity(user, activity):
        raise Http404
    return activity


def _require_staff_role(user) -> None:
    roles = permissions.roles_of(user)
    if not (roles.coordinator or roles.readable):
        raise PermissionDenied


def _require_coordinator(user) -> None:
    if not permissions.is_coordinator(user):
        raise PermissionDenied


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- List ----------------------------------------------------------------------
@login_required
@require_safe
def activity_list(request: HttpRequest) -> HttpResponse:
    """The activities the user may see, filtered and paginated
    (`activities/list.html`)."""
    _require_staff_role(request.user)
    form = forms.ActivityFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        activities = Activity.objects.none()
    else:
        filters = form.filters() if form.is_bound else selectors.ActivityFilters()
        activities = selectors.activity_list(request.user, filters)
    page = Paginator(activities, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    is_coordinator = permissions.is_coordinator(request.user)
    return render(
        request,
        "activities/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": permissions.can_add_activity(request.user),
            "is_coordinator": is_coordinator,
        },
    )


# --- Detail ----------------------------------------------------------------------
@login_required
@require_safe
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One activity with its partners, funding, attachments and review
    history (`activities/detail.html`)."""
    activity = _visible_or_404(request.user, pk)
    user = request.user
    roles = permissions.roles_of(user)
    in_own_department = roles.coordinator or activity.lead_department_id in roles.editable
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "can_edit": permissions.can_edit_activity(user, activity),
            "can_submit": in_own_department and activity.review_state in {ReviewState.DRAFT, ReviewState.RETURNED},
            "can_revise": in_own_department and activity.review_state == ReviewState.ACCEPTED,
            "can_review": roles.coordinator and activity.review_state == ReviewState.SUBMITTED,
            "can_copy": permissions.can_add_activity(user) and in_own_department,
            "is_coordinator": roles.coordinator,
            "missing": selectors.missing_for(activity),
            "return_form": forms.ReturnForm(),
            "attachment_form": forms.AttachmentForm(),
            "copy_form": forms.CopyForm(initial={"year": activity.year + 1}),
        },
    )


# --- Create and edit -----------------------------------------------------------------
def _formsets(data, activity: Activity | None) -> dict:
    initial = forms.initial_rows(activity)
    formsets = {
        prefix: formset_class(data, prefix=prefix, initial=None if data is not None else initial[prefix])
        for prefix, formset_class in forms.FORMSET_PREFIXES.items()
    }
    # Every row's select lists the same organisations and programmes: read
    # them once, so the page costs the same for 2 rows or 50.
    for formset in formsets.values():
        shared: dict = {}
        for row in [*formset.forms, formset.empty_form]:
            for name, field in row.fields.items():
                if isinstance(field, forms.forms.ModelChoiceField):
                    if name not in shared:
                        shared[name] = SharedChoices(list(field.choices))
                    field.choices = shared[name]
    return formsets


def _relations(form: forms.ActivityForm, formsets: dict) -> services.ActivityRelations:
    data = form.cleaned_data
    return services.ActivityRelations(
        departments=list(data.get("departments") or []),
        countries=list(data.get("countries") or []),
        sdgs=list(data.get("sdgs") or []),
        cities=[(f.cleaned_data["city"], f.cleaned_data["role"]) for f in forms.kept_forms(formsets["cities"])],
        organisations=[f.entry() for f in forms.kept_forms(formsets["organisations"])],
        funding=[f.entry() for f in forms.kept_forms(formsets["funding"])],
        links=[
            {"url": f.cleaned_data["url"], "label": f.cleaned_data.get("label", "")}
            for f in forms.kept_forms(formsets["links"])
        ],
    )


def _render_form(request, form, formsets, activity, status=200) -> HttpResponse:
    return render(
        request,
        "activities/form.html",
        {"form": form, "formsets": formsets, "activity": activity},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    """A new draft activity (`activities/form.html`)."""
    if not permissions.can_add_activity(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render_form(request, forms.ActivityForm(user=request.user), _formsets(None, None), None)
    earlier = created_before(request)
    if earlier is not None:
        return redirect(earlier)
    form = forms.ActivityForm(request.POST, user=request.user)
    formsets = _formsets(request.POST, None)
    if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
        try:
            activity = create_once(
                request,
                lambda: services.activity_create(
                    user=request.user, fields=form.activity_fields(), relations=_relations(form, formsets)
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity has been saved as a draft."))
            return redirect(activity)
    return _render_form(request, form, formsets, None, status=400)


# Form fields grouped for the conflict page: the formsets are compared whole.
def _comparable(form: forms.ActivityForm, formsets: dict) -> dict[str, str]:
    """Readable values of a valid form, by field name (formsets by prefix)."""
    values = {name: readable(form, name) for name in form.Meta.fields}
    for prefix, formset in formsets.items():
        rows = []
        for row in forms.kept_forms(formset):
            cleaned = {k: v for k, v in row.cleaned_data.items() if k != "DELETE"}
            rows.append(" · ".join(str(v) for v in cleaned.values() if v not in (None, "")))
        values[prefix] = "; ".join(sorted(rows))
    return values


def _bound_from_instance(activity: Activity, user) -> tuple[forms.ActivityForm, dict]:
    """Forms bound to the current saved values, cleaned, for comparison."""
    data = _data_of(activity, user)
    form = forms.ActivityForm(data, instance=activity, user=user)
    formsets = _formsets(data, activity)
    form.is_valid()
    for formset in formsets.values():
        formset.is_valid()
    return form, formsets


def _data_of(activity: Activity, user) -> QueryDict:
    """The POST data a form would send for the activity as it is saved."""
    data = QueryDict(mutable=True)
    unbound = forms.ActivityForm(instance=activity, user=user)
    for name in forms.ActivityForm.Meta.fields:
        put_value(data, name, unbound[name].value())
    data["version"] = str(activity.version)
    for prefix, rows in forms.initial_rows(activity).items():
        _put_formset(data, prefix, rows)
    return data


def _put_formset(data: QueryDict, prefix: str, rows: list[dict]) -> None:
    for key in [k for k in data if k.startswith(f"{prefix}-")]:
        del data[key]
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    for index, row in enumerate(rows):
        for name, value in row.items():
            put_value(data, f"{prefix}-{index}-{name}", value)


def _merged(request: HttpRequest, activity: Activity) -> QueryDict:
    """The data of a merge posted from the conflict page: the user's values,
    except for the fields where they chose the current saved one."""
    data = request.POST.copy()
    current = _data_of(activity, request.user)
    for key in [k for k in data if k.startswith("choose_")]:
        name = key.removeprefix("choose_")
        if data[key] != "current":
            continue
        if name in forms.FORMSET_PREFIXES:
            _put_formset(data, name, [])
            for current_key in [k for k in current if k.startswith(f"{name}-")]:
                data.setlist(current_key, current.getlist(current_key))
        elif name in forms.ActivityForm.Meta.fields:
            data.setlist(name, current.getlist(name))
    return data


def _conflict(request, activity_pk: int, form, formsets, error: services.EditConflictError) -> HttpResponse:
    """The conflict page: the user's version and the saved one side by side,
    with a choice per differing field (`activities/conflict.html`)."""
    current = selectors.activity_detail(activity_pk)
    current_form, current_formsets = _bound_from_instance(current, request.user)
    mine = _comparable(form, formsets)
    theirs = _comparable(current_form, current_formsets)
    base_record = current.history.filter(version=error.expected_version).order_by("-history_id").first()
    base = None
    if base_record is not None:
        base_activity = base_record.instance
        # The version the user started from, to tell what they changed.
        base_form = forms.ActivityForm(instance=base_activity, user=request.user)
        base = {name: base_form[name].value() for name in forms.ActivityForm.Meta.fields}
    labels = {name: form.fields[name].label for name in forms.ActivityForm.Meta.fields}
    labels.update(
        cities=_("Partner cities"), organisations=_("Partner organisations"), funding=_("Funding"), links=_("Links")
    )
    rows = []
    for name, label in labels.items():
        if mine.get(name, "") == theirs.get(name, ""):
            continue
        user_changed = True
        if base is not None and name in base:
            user_changed = str(base[name] or "") != str(form[name].value() or "")
        rows.append({"name": name, "label": label, "mine": mine.get(name, ""), "current": theirs.get(name, "")})
        rows[-1]["default"] = "mine" if user_changed else "current"
    hidden = carried(request.POST)
    return render(
        request,
        "activities/conflict.html",
        {"activity": current, "rows": rows, "hidden": hidden, "current_version": current.version},
        status=409,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an activity (`activities/form.html`); a form built from an old
    version leads to the conflict page instead of overwriting."""
    activity = _visible_or_404(request.user, pk)
    if not permissions.can_edit_activity(request.user, activity):
        raise PermissionDenied
    if request.method != "POST":
        return _render_form(
            request, forms.ActivityForm(instance=activity, user=request.user), _formsets(None, activity), activity
        )
    data = _merged(request, activity) if "_merge" in request.POST else request.POST
    form = forms.ActivityForm(data, instance=selectors.activity_detail(pk), user=request.user)
    formsets = _formsets(data, activity)
    if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
        expected = form.cleaned_data.get("version")
        if expected is None:
            form.add_error(None, _("This form is incomplete: reload the page and try again."))
            return _render_form(request, form, formsets, activity, status=400)
        try:
            updated = services.activity_update(
                user=request.user,
                activity=activity,
                fields=form.activity_fields(),
                expected_version=expected,
                relations=_relations(form, formsets),
            )
        except services.EditConflictError as error:
            return _conflict(request, pk, form, formsets, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(updated)
    return _render_form(request, form, formsets, activity, status=400)


# --- Review workflow ---------------------------------------------------------------
def _transition(request: HttpRequest, pk: int, action) -> HttpResponse:
    activity = _visible_or_404(request.user, pk)
    try:
        action(activity)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(activity)


@login_required
@require_POST
def activity_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def submit(activity):
        services.activity_submit(user=request.user, activity=activity, require_complete=True)
        messages.success(request, _("The activity has been submitted to the coordinator."))

    return _transition(request, pk, submit)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a submitted activity back with a comment
    (`activities/return.html` when the comment is missing)."""
    activity = _visible_or_404(request.user, pk)
    _require_coordinator(request.user)
    form = forms.ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_return(user=request.user, activity=activity, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity has been returned to the department."))
            return redirect(activity)
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/return.html", {"activity": activity, "form": form}, status=status)


@login_required
@require_POST
def activity_accept(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request.user)

    def accept(activity):
        services.activity_accept(user=request.user, activity=activity)
        messages.success(request, _("The activity has been accepted."))

    return _transition(request, pk, accept)


@login_required
@require_POST
def activity_bulk_accept(request: HttpRequest) -> HttpResponse:
    """Accept the submitted activities ticked in the list."""
    _require_coordinator(request.user)
    form = forms.BulkAcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick at least one submitted activity to accept."))
    else:
        accepted, skipped = services.activity_accept_many(
            user=request.user, activity_ids=[a.pk for a in form.cleaned_data["activities"]]
        )
        messages.success(request, _("%(count)d activities accepted.") % {"count": len(accepted)})
        if skipped:
            messages.warning(
                request,
                _("%(count)d activities were no longer waiting for review and were left as they are.")
                % {"count": len(skipped)},
            )
    return redirect(f"{reverse('activities:list')}?review_state=submitted")


@login_required
@require_POST
def activity_start_revision(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible_or_404(request.user, pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This form is incomplete: reload the page and try again."))
        return redirect(activity)
    try:
        services.activity_start_revision(
            user=request.user, activity=activity, expected_version=form.cleaned_data["version"]
        )
    except services.EditConflictError:
        messages.error(request, _("Someone changed this activity in the meantime: check it and try again."))
        return redirect(activity)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(activity)
    messages.success(
        request, _("A new revision has started. The accepted version stays in the report until it is accepted again.")
    )
    return redirect("activities:edit", pk=pk)


@login_required
@require_POST
def activity_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Copy from last year": a new draft continuing this activity."""
    activity = _visible_or_404(request.user, pk)
    roles = permissions.roles_of(request.user)
    if not (roles.coordinator or activity.lead_department_id in roles.editable):
        raise PermissionDenied
    form = forms.CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(activity)
    try:
        copy = create_once(
            request,
            lambda: services.activity_copy_to_year(user=request.user, source=activity, year=form.cleaned_data["year"]),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(activity)
    messages.success(request, _("The activity has been copied to %(year)s as a draft.") % {"year": copy.year})
    return redirect("activities:edit", pk=copy.pk)


# --- History --------------------------------------------------------------------------
@login_required
@require_safe
def activity_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of the activity with what changed, and who changed it
    (`activities/history.html`)."""
    activity = _visible_or_404(request.user, pk)
    entries = [entry for entry in history_entries(activity) if entry.changes or entry.kind != "~"]
    if permissions.is_coordinator(request.user):
        for entry in entries:
            entry.revert_url = reverse("activities:revert", args=[pk, entry.history_id])
    return render(request, "activities/history.html", {"activity": activity, "entries": entries})


@login_required
@require_POST
def activity_revert(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    activity = _visible_or_404(request.user, pk)
    _require_coordinator(request.user)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This form is incomplete: reload the page and try again."))
        return redirect("activities:history", pk=pk)
    try:
        services.activity_revert(
            user=request.user, activity=activity, history_id=history_id, expected_version=form.cleaned_data["version"]
        )
    except services.EditConflictError:
        messages.error(request, _("Someone changed this activity in the meantime: check its history and try again."))
        return redirect("activities:history", pk=pk)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("activities:history", pk=pk)
    messages.success(request, _("The activity has been put back as it was in that version."))
    return redirect(activity)


# --- Attachments --------------------------------------------------------------------
@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible_or_404(request.user, pk)
    if not permissions.can_edit_activity(request.user, activity):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            create_once(
                request,
                lambda: services.activity_attachment_add(
                    user=request.user,
                    activity=activity,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    content_type=form.cleaned_data["content_type"],
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The file has been attached."))
            return redirect(activity)
    return render(
        request, "activities/attachment_form.html", {"activity": activity, "attachment_form": form}, status=400
    )


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(ActivityAttachment.objects.select_related("activity"), pk=pk)
    if not permissions.can_view_activity(request.user, attachment.activity):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        # The row outlived its file (a restore without media, a manual clean-up).
        raise Http404(_("The file of this attachment is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(ActivityAttachment.objects.select_related("activity"), pk=pk)
    if not permissions.can_view_activity(request.user, attachment.activity):
        raise Http404
    if not permissions.can_edit_activity(request.user, attachment.activity):
        raise PermissionDenied
    services.activity_attachment_remove(user=request.user, attachment=attachment)
    messages.success(request, _("The attachment has been removed."))
    return redirect(attachment.activity)


# --- City autocomplete -------------------------------------------------------------
@login_required
@require_safe
def city_search(request: HttpRequest) -> HttpResponse:
    """The options of a partner city field, for htmx: the registry's cities
    first, then GeoNames' (`activities/_city_options.html`)."""
    if not permissions.can_add_activity(request.user):
        raise PermissionDenied
    text = " ".join(request.GET.get("q", "").split())[:100]
    # Every city field of the form sends its own value under its own name.
    if not text:
        for key, value in request.GET.items():
            if key.endswith("-city"):
                text = " ".join(value.split())[:100]
    registry, found = [], []
    if len(text) >= 2 and "geonames:" not in text:
        registry = list(PartnerCity.objects.filter(name_it__istartswith=text).order_by("name_it")[:10])
        known = {city.geonames_id for city in registry}
        found = [city for city in geonames.search(text, limit=10) if city.geonames_id not in known]
    return render(request, "activities/_city_options.html", {"registry": registry, "found": found})


@login_required
@require_safe
def organisation_search(request: HttpRequest) -> HttpResponse:
    """The options of an organisation field (partner or funder), for htmx:
    the registry's organisations whose name, English name or acronym
    contains the text (`activities/_organisation_options.html`)."""
    if not permissions.can_add_activity(request.user):
        raise PermissionDenied
    text = " ".join(request.GET.get("q", "").split())[:100]
    # Every organisation field of the form sends its own value under its own name.
    if not text:
        for key, value in request.GET.items():
            if key.endswith(("-organisation", "-funder")):
                text = " ".join(value.split())[:100]
    found = []
    if len(text) >= 2:
        found = list(
            Organisation.objects.filter(
                Q(name__icontains=text) | Q(name_en__icontains=text) | Q(acronym__icontains=text)
            ).order_by("name")[:15]
        )
    return render(request, "activities/_organisation_options.html", {"found": found})


# --- Reporting rounds ----------------------------------------------------------------
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_list(request: HttpRequest) -> HttpResponse:
    """The reporting rounds, and the form to open one (`activities/rounds.html`)."""
    _require_coordinator(request.user)
    form = forms.RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reporting_round = create_once(request, lambda: services.round_open(user=request.user, **form.cleaned_data))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The round of %(year)s is open.") % {"year": reporting_round.year})
            return redirect("rounds:detail", pk=reporting_round.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "activities/rounds.html", {"form": form, "rounds": ReportingRound.objects.all()}, status=status
    )


@login_required
@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's completeness per department (`activities/round_detail.html`)."""
    _require_coordinator(request.user)
    from relint.workspace.selectors import REQUIRED_FOR_SUBMISSION, coordinator_overview

    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    overview = coordinator_overview(reporting_round=reporting_round)
    late = {department.pk for department in services.late_departments(reporting_round)}
    return render(
        request,
        "activities/round_detail.html",
        {
            "round": reporting_round,
            "overview": overview,
            "late": late,
            "requirements": REQUIRED_FOR_SUBMISSION,
        },
    )


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request.user)
    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    try:
        sent = services.round_send_reminders(user=request.user, reporting_round=reporting_round)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(count)d reminders sent.") % {"count": sent})
    return redirect("rounds:detail", pk=pk)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request.user)
    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    try:
        with transaction.atomic():
            services.round_close(user=request.user, reporting_round=reporting_round)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The round has been closed."))
    return redirect("rounds:detail", pk=pk)
