"""Admin of the coordination table's meetings: agenda, attendance, decisions
and action items."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from relint.coordination.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    CalendarFeedToken,
    Decision,
    Meeting,
    MeetingAttachment,
    MinutesState,
)
from relint.core.admin import URL_FIELD_OVERRIDES, HistoryAdmin, count_of

APPROVED_MESSAGE = _("The minutes of this meeting are approved: nothing can be added to them or changed.")

# Where a meeting's change page leaves the meeting for its inlines, which
# offer only that meeting's agenda items and decisions.
_MEETING_ATTRIBUTE = "_relint_meeting"


def _minutes_approved(meeting) -> bool:
    return meeting is not None and meeting.minutes_state == MinutesState.APPROVED


class ApprovedMinutesReadOnly:
    """Approved minutes never change, in the admin either: the records of an
    approved meeting are read-only (the services refuse too), and none can
    be added to one or moved into one."""

    def _meeting_of(self, obj):
        return obj if isinstance(obj, Meeting) else getattr(obj, "meeting", None)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "meeting" not in form.base_fields:
            return form

        class RefusesApprovedMeetings(form):
            def clean(self):
                cleaned = super().clean()
                if _minutes_approved(cleaned.get("meeting")):
                    raise ValidationError(APPROVED_MESSAGE)
                return cleaned

        return RefusesApprovedMeetings

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _minutes_approved(self._meeting_of(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _minutes_approved(self._meeting_of(obj))


class MeetingInlineMixin(ApprovedMinutesReadOnly):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _minutes_approved(obj)

    def get_formset(self, request, obj=None, **kwargs):
        setattr(request, _MEETING_ATTRIBUTE, obj)
        return super().get_formset(request, obj, **kwargs)

    def _of_this_meeting(self, request, model):
        meeting = getattr(request, _MEETING_ATTRIBUTE, None)
        return model.objects.filter(meeting=meeting) if meeting is not None else model.objects.none()


class AgendaItemInline(MeetingInlineMixin, admin.TabularInline):
    model = AgendaItem
    fields = ("position", "title", "proposed_by_department", "state")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_by_department")


class AttendanceInline(MeetingInlineMixin, admin.TabularInline):
    model = Attendance
    fields = ("department", "person", "person_name", "status")
    autocomplete_fields = ("person",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department", "person")


class DecisionInline(MeetingInlineMixin, admin.StackedInline):
    model = Decision
    fields = ("agenda_item", "text_it", "text_en", ("is_strategic", "is_public"))
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            kwargs["queryset"] = self._of_this_meeting(request, AgendaItem)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ActionItemInline(MeetingInlineMixin, admin.TabularInline):
    model = ActionItem
    fields = ("title", "owner_department", "due_on", "status", "completed_on", "decision")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner_department", "decision")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "decision":
            kwargs["queryset"] = self._of_this_meeting(request, Decision)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Meeting)
class MeetingAdmin(ApprovedMinutesReadOnly, HistoryAdmin):
    list_display = ("title", "starts_at", "place", "state", "minutes_state", "agenda_item_count", "open_action_count")
    list_filter = ("state", "minutes_state")
    search_fields = ("title", "place", "minutes_summary")
    ordering = ("-starts_at",)
    date_hierarchy = "starts_at"
    autocomplete_fields = ("invited_departments",)
    formfield_overrides = URL_FIELD_OVERRIDES
    inlines = (AgendaItemInline, AttendanceInline, DecisionInline, ActionItemInline)
    # Approval, with its PDF, goes through the workspace
    # (`services.minutes_approve`), never through a field typed here.
    readonly_fields = (
        "minutes_state",
        "minutes_approved_at",
        "minutes_approved_by",
        "minutes_pdf",
        "minutes_pdf_sha256",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                agenda_item_count=count_of(AgendaItem, "meeting"),
                open_action_count=count_of(
                    ActionItem, "meeting", status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
                ),
            )
        )

    @admin.display(description=AgendaItem._meta.verbose_name_plural, ordering="agenda_item_count")
    def agenda_item_count(self, meeting: Meeting) -> int:
        return meeting.agenda_item_count

    @admin.display(description=_("open action items"), ordering="open_action_count")
    def open_action_count(self, meeting: Meeting) -> int:
        return meeting.open_action_count


@admin.register(AgendaItem)
class AgendaItemAdmin(ApprovedMinutesReadOnly, HistoryAdmin):
    list_display = ("title", "meeting", "position", "proposed_by_department", "state")
    list_filter = ("state", "proposed_by_department")
    list_select_related = ("meeting", "proposed_by_department")
    search_fields = ("title", "description", "meeting__title")
    ordering = ("-meeting__starts_at", "position", "pk")
    date_hierarchy = "meeting__starts_at"
    autocomplete_fields = ("meeting", "proposed_by")


@admin.register(Attendance)
class AttendanceAdmin(ApprovedMinutesReadOnly, HistoryAdmin):
    list_display = ("meeting", "department", "person", "person_name", "status")
    list_filter = ("status", "department")
    list_select_related = ("meeting", "department", "person")
    search_fields = ("meeting__title", "department__name_it", "person__last_name", "person_name")
    ordering = ("-meeting__starts_at", "department__table_order")
    date_hierarchy = "meeting__starts_at"
    autocomplete_fields = ("meeting", "person")


@admin.register(Decision)
class DecisionAdmin(ApprovedMinutesReadOnly, HistoryAdmin):
    list_display = ("__str__", "meeting", "agenda_item", "is_strategic", "is_public")
    list_filter = ("is_strategic", "is_public", "meeting__minutes_state")
    list_select_related = ("meeting", "agenda_item")
    search_fields = ("text_it", "text_en", "meeting__title")
    ordering = ("-meeting__starts_at", "pk")
    date_hierarchy = "meeting__starts_at"
    autocomplete_fields = ("meeting", "agenda_item")


@admin.register(ActionItem)
class ActionItemAdmin(ApprovedMinutesReadOnly, HistoryAdmin):
    """After approval the status moves in the workspace (the owners' follow-up,
    `services.action_item_set_status`); the record itself is read-only here."""

    list_display = ("title", "owner_department", "due_on", "status", "completed_on", "meeting")
    list_filter = ("status", "owner_department")
    list_select_related = ("owner_department", "meeting")
    search_fields = ("title", "description", "meeting__title")
    ordering = ("due_on", "pk")
    date_hierarchy = "due_on"
    autocomplete_fields = ("meeting", "decision", "activities")


@admin.register(MeetingAttachment)
class MeetingAttachmentAdmin(ApprovedMinutesReadOnly, HistoryAdmin):
    list_display = ("title", "meeting", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("content_type",)
    list_select_related = ("meeting", "uploaded_by")
    search_fields = ("title", "meeting__title")
    ordering = ("-meeting__starts_at", "title")
    # Files are added through the workspace, where their bytes are checked.
    readonly_fields = ("meeting", "file", "content_type", "size", "uploaded_by")

    def has_add_permission(self, request):
        return False


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owner; here they can only be seen as
    existing and revoked (the secret itself is not shown)."""

    list_display = ("user", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__last_name")
    ordering = ("user__username", "-created_at")
    fields = ("user", "created_at", "revoked_at")
    readonly_fields = ("user", "created_at")

    def has_add_permission(self, request):
        return False
