"""Views of the coordination table, mounted at /<lang>/workspace/table/.

Thin function views: each checks who may open it (the rules are in
`relint.departments.permissions`), reads through `selectors`, writes through
`services`, and turns a service's `ValidationError` into form errors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from relint.coordination import forms, ics, selectors, services
from relint.coordination.models import (
    ActionItem,
    AgendaItem,
    AgendaItemState,
    Attendance,
    CalendarFeedToken,
    Decision,
    Meeting,
    MeetingAttachment,
    MeetingState,
    MinutesState,
)
from relint.departments import permissions
from relint.departments.models import Department, TableMembership
from relint.ops.idempotency import create_from_form


def _guard(rule: Callable[[object], bool]):
    """Only users for whom `rule(user)` holds; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


viewers_only = _guard(permissions.can_view_meetings)
coordinator_only = _guard(permissions.can_manage_meetings)


def _report(form, error: ValidationError) -> None:
    """Put a service's errors on the form: on their field when the form has
    it, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("coordination:meeting", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _form_page(request, form, *, title: str, back: str, submit: str, intro: str = "", status: int = 200, **extra):
    return render(
        request,
        "coordination/form.html",
        {"form": form, "title": title, "back": back, "submit": submit, "intro": intro, **extra},
        status=status,
    )


# --- Meetings -------------------------------------------------------------------------
@viewers_only
@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_for(request.user)
    now = timezone.now()
    return render(
        request,
        "coordination/meeting_list.html",
        {
            "upcoming": [m for m in meetings.order_by("starts_at") if m.ends_at >= now],
            "past": [m for m in meetings.order_by("-starts_at") if m.ends_at < now],
            "manages": permissions.can_manage_meetings(request.user),
        },
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = forms.MeetingForm(request.POST or None)
    meeting = create_from_form(
        request, form, lambda data: services.meeting_create(user=request.user, **data), report=_report
    )
    if meeting is not None:
        messages.success(request, _("The meeting has been created."))
        return redirect(_meeting_url(meeting))
    return _form_page(
        request,
        form,
        title=_("New meeting"),
        back=reverse("coordination:meetings"),
        submit=_("Create the meeting"),
        creating=True,
        status=400 if form.errors else 200,
    )


def _get_meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.prefetch_related("invited_departments"), pk=pk)


@viewers_only
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    view = selectors.meeting_view(request.user, meeting)
    user = request.user
    _attach_status_forms(user, view.action_items)
    return render(
        request,
        "coordination/meeting_detail.html",
        {
            "view": view,
            "meeting": meeting,
            "approved": meeting.minutes_state == MinutesState.APPROVED,
            "editable": view.manages and meeting.minutes_state != MinutesState.APPROVED,
            "can_propose": permissions.can_propose_agenda_item(user, meeting),
            "review_forms": [
                (
                    item,
                    forms.AgendaReviewForm(
                        initial={"state": item.state, "position": item.position}, prefix=f"r{item.pk}"
                    ),
                )
                for item in [*view.agenda, *view.proposals]
            ]
            if view.manages
            else [],
            "states": MeetingState,
        },
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_update(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    form = forms.MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(user=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect(_meeting_url(meeting))
    return _form_page(
        request,
        form,
        title=_("Edit the meeting"),
        back=_meeting_url(meeting),
        submit=_("Save"),
        status=400 if form.errors else 200,
    )


def _post_and_return(request, meeting: Meeting, action, success: str, anchor: str = "") -> HttpResponse:
    """Run a one-button service; its ValidationError becomes an error message
    on the meeting page (nothing has been written)."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(_meeting_url(meeting, anchor))


@coordinator_only
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    sent: list[int] = []
    base_url = request.build_absolute_uri("/").rstrip("/")

    def send():
        sent.append(services.meeting_send_invitations(user=request.user, meeting=meeting, base_url=base_url))

    response = _post_and_return(request, meeting, send, "")
    if sent:
        messages.success(request, _("Invitations sent: %(count)d.") % {"count": sent[0]})
    return response


@coordinator_only
@require_POST
def meeting_state(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    state = request.POST.get("state", "")
    return _post_and_return(
        request,
        meeting,
        lambda: services.meeting_set_state(user=request.user, meeting=meeting, state=state),
        _("The meeting's state has been changed."),
    )


@viewers_only
@require_safe
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    agenda = list(meeting.agenda_items.filter(state=AgendaItemState.APPROVED))
    body = ics.meetings_calendar(
        [meeting], agenda_of={meeting.pk: agenda}, url_of=lambda m: request.build_absolute_uri(_meeting_url(m))
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="riunione-{meeting.pk}.ics"'
    return response


# --- Agenda -----------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agenda_propose(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    user = request.user
    if not permissions.can_view_meetings(user) or not permissions.can_propose_agenda_item(user, meeting):
        raise PermissionDenied
    manages = permissions.can_manage_meetings(user)
    departments = None if manages else Department.objects.filter(pk__in=permissions.delegate_department_ids(user))
    form = forms.AgendaProposalForm(request.POST or None, departments=departments)
    item = create_from_form(
        request,
        form,
        lambda data: services.agenda_item_propose(
            user=user,
            meeting=meeting,
            department=data["proposed_by_department"],
            title=data["title"],
            description=data["description"],
        ),
        report=_report,
    )
    if item is not None:
        messages.success(
            request,
            _("The item is on the agenda.") if manages else _("Your proposal has been sent to the coordinator."),
        )
        return redirect(_meeting_url(meeting, "agenda"))
    return _form_page(
        request,
        form,
        title=_("Propose an agenda item"),
        intro=str(meeting),
        back=_meeting_url(meeting),
        submit=_("Propose"),
        creating=True,
        status=400 if form.errors else 200,
    )


@coordinator_only
@require_POST
def agenda_review(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_pk, meeting_id=pk)
    form = forms.AgendaReviewForm(request.POST, prefix=f"r{item.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a state and a position between 0 and 999."))
        return redirect(_meeting_url(item.meeting, "agenda"))
    return _post_and_return(
        request,
        item.meeting,
        lambda: services.agenda_item_review(user=request.user, item=item, **form.cleaned_data),
        _("The agenda has been updated."),
        "agenda",
    )


# --- Attendance ------------------------------------------------------------------------
@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    form = forms.AttendanceForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(user=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The attendance has been recorded."))
            return redirect(reverse("coordination:attendance", args=[meeting.pk]))
    return render(
        request,
        "coordination/attendance.html",
        {
            "meeting": meeting,
            "form": form,
            "attendances": meeting.attendances.select_related("department", "person"),
            "approved": meeting.minutes_state == MinutesState.APPROVED,
        },
        status=400 if form.errors else 200,
    )


@coordinator_only
@require_POST
def attendance_delete(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    record = get_object_or_404(Attendance.objects.select_related("meeting"), pk=attendance_pk, meeting_id=pk)
    try:
        services.attendance_delete(user=request.user, attendance=record)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The attendance has been removed."))
    return redirect(reverse("coordination:attendance", args=[pk]))


# --- Minutes ---------------------------------------------------------------------------
@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    agenda = list(meeting.agenda_items.filter(state=AgendaItemState.APPROVED))
    form = forms.MinutesForm(request.POST or None, agenda=agenda, initial={"summary": meeting.minutes_summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_update(
                user=request.user,
                meeting=meeting,
                summary=form.cleaned_data["summary"],
                item_minutes=form.item_minutes(),
            )
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The minutes have been saved as a draft."))
            return redirect(_meeting_url(meeting, "minutes"))
    return _form_page(
        request,
        form,
        title=_("Minutes"),
        intro=str(meeting),
        back=_meeting_url(meeting),
        submit=_("Save the draft"),
        status=400 if form.errors else 200,
    )


@coordinator_only
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    return _post_and_return(
        request,
        meeting,
        lambda: services.minutes_approve(user=request.user, meeting=meeting),
        _("The minutes are approved: from now on they no longer change."),
        "minutes",
    )


@viewers_only
@require_safe
def minutes_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The PDF of the approved minutes, as stored at approval. Draft minutes
    have none; the minutes of meetings approved before relint typeset them
    neither (404)."""
    meeting = get_object_or_404(Meeting, pk=pk, minutes_state=MinutesState.APPROVED)
    if not meeting.minutes_pdf:
        raise Http404
    response = FileResponse(
        meeting.minutes_pdf.open("rb"), as_attachment=True, filename=f"verbale-{meeting.starts_at:%Y-%m-%d}.pdf"
    )
    response["Content-Type"] = "application/pdf"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Decisions and action items ---------------------------------------------------------
@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    form = forms.DecisionForm(request.POST or None, meeting=meeting)
    decision = create_from_form(
        request,
        form,
        lambda data: services.decision_create(user=request.user, meeting=meeting, **data),
        report=_report,
    )
    if decision is not None:
        messages.success(request, _("The decision has been recorded."))
        return redirect(_meeting_url(meeting, "decisions"))
    return _form_page(
        request,
        form,
        title=_("New decision"),
        intro=str(meeting),
        back=_meeting_url(meeting),
        submit=_("Record the decision"),
        creating=True,
        status=400 if form.errors else 200,
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    form = forms.ActionItemForm(request.POST or None, meeting=meeting)
    action = create_from_form(
        request,
        form,
        lambda data: services.action_item_create(user=request.user, meeting=meeting, **data),
        report=_report,
    )
    if action is not None:
        messages.success(request, _("The action item has been recorded."))
        return redirect(_meeting_url(meeting, "actions"))
    return _form_page(
        request,
        form,
        title=_("New action item"),
        intro=str(meeting),
        back=_meeting_url(meeting),
        submit=_("Record the action item"),
        creating=True,
        status=400 if form.errors else 200,
    )


def _edit_page(request, meeting: Meeting, form, save, *, title: str, anchor: str, success: str) -> HttpResponse:
    """An edit form of a record of draft minutes: `save(cleaned_data,
    loaded_at)` calls the service; its refusal (approved minutes, someone
    else's newer save) is shown on the form and nothing is written."""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        loaded_at = data.pop("loaded_at")
        try:
            save(data, loaded_at)
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, success)
            return redirect(_meeting_url(meeting, anchor))
    return _form_page(
        request,
        form,
        title=title,
        intro=str(meeting),
        back=_meeting_url(meeting, anchor),
        submit=_("Save"),
        status=400 if form.errors else 200,
    )


def _delete_page(request, meeting: Meeting, record, delete, *, title: str, anchor: str, success: str):
    """GET asks to confirm (a plain form, no script); POST deletes through
    the service, whose refusal becomes an error message."""
    if request.method == "POST":
        return _post_and_return(request, meeting, delete, success, anchor)
    return render(
        request,
        "coordination/confirm_delete.html",
        {"title": title, "meeting": meeting, "record": record, "back": _meeting_url(meeting, anchor)},
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def decision_update(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("meeting"), pk=decision_pk, meeting_id=pk)
    meeting = decision.meeting
    form = forms.DecisionEditForm(request.POST or None, instance=decision, meeting=meeting)
    return _edit_page(
        request,
        meeting,
        form,
        lambda data, loaded_at: services.decision_update(
            user=request.user, decision=decision, expected_updated_at=loaded_at, **data
        ),
        title=_("Edit the decision"),
        anchor="decisions",
        success=_("The decision has been saved."),
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def decision_delete(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("meeting"), pk=decision_pk, meeting_id=pk)
    return _delete_page(
        request,
        decision.meeting,
        decision,
        lambda: services.decision_delete(user=request.user, decision=decision),
        title=_("Delete the decision"),
        anchor="decisions",
        success=_("The decision has been deleted."),
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    action = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=action_pk, meeting_id=pk)
    meeting = action.meeting
    form = forms.ActionItemEditForm(request.POST or None, instance=action, meeting=meeting)
    return _edit_page(
        request,
        meeting,
        form,
        lambda data, loaded_at: services.action_item_update(
            user=request.user, action_item=action, expected_updated_at=loaded_at, **data
        ),
        title=_("Edit the action item"),
        anchor="actions",
        success=_("The action item has been saved."),
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def action_delete(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    action = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=action_pk, meeting_id=pk)
    return _delete_page(
        request,
        action.meeting,
        action,
        lambda: services.action_item_delete(user=request.user, action_item=action),
        title=_("Delete the action item"),
        anchor="actions",
        success=_("The action item has been deleted."),
    )


@login_required
@require_POST
def action_status(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=action_pk)
    # Someone who may not see the action gets the same answer as for a
    # missing one.
    if not selectors.visible_action_items(request.user).filter(pk=action.pk).exists():
        raise Http404
    if not permissions.can_update_action_item(request.user, action):
        raise PermissionDenied
    form = forms.ActionStatusForm(request.POST, prefix=f"a{action.pk}")
    if form.is_valid():
        try:
            services.action_item_set_status(user=request.user, action_item=action, status=form.cleaned_data["status"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The action item's status has been updated."))
    else:
        messages.error(request, _("Choose one of the statuses."))
    back = request.POST.get("next", "")
    if back == "dashboard":
        return redirect("coordination:actions")
    if back == "workspace":
        return redirect("workspace:dashboard")
    return redirect(_meeting_url(action.meeting, "actions"))


@viewers_only
@require_safe
def action_dashboard(request: HttpRequest) -> HttpResponse:
    groups = selectors.action_dashboard(request.user)
    for group in groups:
        _attach_status_forms(request.user, group.items)
    return render(request, "coordination/action_dashboard.html", {"groups": groups})


def _attach_status_forms(user, items) -> None:
    """A status form on each action item the user may move (the services
    allow it: the coordinator always, owners once the minutes are approved)."""
    manages = permissions.can_manage_meetings(user)
    for item in items:
        movable = permissions.can_update_action_item(user, item) and (
            manages or item.meeting.minutes_state == MinutesState.APPROVED
        )
        item.status_form = (
            forms.ActionStatusForm(initial={"status": item.status}, prefix=f"a{item.pk}") if movable else None
        )


# --- Attachments -----------------------------------------------------------------------
@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    form = forms.AttachmentForm(request.POST or None, request.FILES or None)

    def report(form, error: ValidationError) -> None:
        _report(form, error)
        if not form.errors:
            form.add_error("file", error.messages)

    attachment = create_from_form(
        request,
        form,
        lambda data: services.attachment_add(
            user=request.user, meeting=meeting, title=data["title"], upload=data["file"]
        ),
        report=report,
    )
    if attachment is not None:
        messages.success(request, _("The attachment has been added."))
        return redirect(_meeting_url(meeting, "attachments"))
    from relint.coordination.uploads import ALLOWED_DESCRIPTION, MAX_ATTACHMENT_BYTES

    return _form_page(
        request,
        form,
        title=_("Add an attachment"),
        intro=_("%(allowed)s, up to %(limit)d MB.")
        % {"allowed": ALLOWED_DESCRIPTION, "limit": MAX_ATTACHMENT_BYTES // 2**20},
        back=_meeting_url(meeting),
        submit=_("Upload"),
        creating=True,
        multipart=True,
        status=400 if form.errors else 200,
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def attachment_update(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_object_or_404(MeetingAttachment.objects.select_related("meeting"), pk=attachment_pk, meeting_id=pk)
    meeting = attachment.meeting
    form = forms.AttachmentEditForm(request.POST or None, instance=attachment)
    return _edit_page(
        request,
        meeting,
        form,
        lambda data, loaded_at: services.attachment_update(
            user=request.user, attachment=attachment, expected_updated_at=loaded_at, **data
        ),
        title=_("Rename the attachment"),
        anchor="attachments",
        success=_("The attachment has been saved."),
    )


@coordinator_only
@require_http_methods(["GET", "HEAD", "POST"])
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_object_or_404(MeetingAttachment.objects.select_related("meeting"), pk=attachment_pk, meeting_id=pk)
    return _delete_page(
        request,
        attachment.meeting,
        attachment,
        lambda: services.attachment_delete(user=request.user, attachment=attachment),
        title=_("Delete the attachment"),
        anchor="attachments",
        success=_("The attachment has been deleted."),
    )


@viewers_only
@require_safe
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = get_object_or_404(MeetingAttachment, pk=attachment_pk, meeting_id=pk)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1]
    )
    # The type the bytes showed at upload, never the uploader's claim.
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Membership -------------------------------------------------------------------------
@viewers_only
@require_safe
def membership_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(selectors.memberships())
    return render(
        request,
        "coordination/membership_list.html",
        {
            "current": [m for m in rows if m.joined_on <= today and (m.left_on is None or m.left_on > today)],
            "other": [m for m in rows if not (m.joined_on <= today and (m.left_on is None or m.left_on > today))],
            "manages": permissions.can_manage_table_membership(request.user),
        },
    )


def _membership_form_view(request: HttpRequest, membership: TableMembership | None) -> HttpResponse:
    form = forms.MembershipForm(request.POST or None, instance=membership)
    if membership is None:
        saved = create_from_form(
            request, form, lambda data: services.membership_create(user=request.user, **data), report=_report
        )
    else:
        saved = None
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("department")
            try:
                saved = services.membership_update(user=request.user, membership=membership, **data)
            except ValidationError as error:
                _report(form, error)
    if saved is not None:
        messages.success(request, _("The membership has been saved."))
        return redirect("coordination:memberships")
    return _form_page(
        request,
        form,
        title=_("New membership") if membership is None else _("Edit the membership"),
        intro="" if membership is None else str(membership),
        back=reverse("coordination:memberships"),
        submit=_("Save"),
        creating=membership is None,
        status=400 if form.errors else 200,
    )


@_guard(permissions.can_manage_table_membership)
@require_http_methods(["GET", "HEAD", "POST"])
def membership_create(request: HttpRequest) -> HttpResponse:
    return _membership_form_view(request, None)


@_guard(permissions.can_manage_table_membership)
@require_http_methods(["GET", "HEAD", "POST"])
def membership_update(request: HttpRequest, membership_pk: int) -> HttpResponse:
    return _membership_form_view(request, get_object_or_404(TableMembership, pk=membership_pk))


# --- Calendar feed ----------------------------------------------------------------------
@viewers_only
@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    token = CalendarFeedToken.objects.active().filter(user=request.user).first()
    feed_url = request.build_absolute_uri(reverse("coordination:feed", args=[token.token])) if token else ""
    return render(request, "coordination/calendar.html", {"token": token, "feed_url": feed_url})


@viewers_only
@require_POST
def calendar_issue(request: HttpRequest) -> HttpResponse:
    services.feed_token_issue(user=request.user)
    messages.success(request, _("Your calendar address is ready. Any previous address no longer works."))
    return redirect("coordination:calendar")


@login_required
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    if services.feed_token_revoke(user=request.user):
        messages.success(request, _("Your calendar address has been revoked."))
    return redirect("coordination:calendar")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """All meetings, for a calendar program; the token in the URL is the
    only credential. An unknown or revoked token, or a user who may no
    longer see the table, gets 404."""
    found = CalendarFeedToken.objects.active().select_related("user").filter(token=token).first()
    if found is None or not permissions.can_view_meetings(found.user):
        raise Http404
    meetings = list(Meeting.objects.order_by("starts_at"))
    agenda: dict[int, list[AgendaItem]] = {}
    for item in AgendaItem.objects.filter(state=AgendaItemState.APPROVED, meeting__in=meetings):
        agenda.setdefault(item.meeting_id, []).append(item)
    body = ics.meetings_calendar(
        meetings,
        agenda_of=agenda,
        url_of=lambda m: request.build_absolute_uri(_meeting_url(m)),
        name=_("Coordination table"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
