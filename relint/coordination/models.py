"""The coordination table: meetings, agenda items, attendance, decisions and
the action items that follow them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relint.core.integrity import text_integrity
from relint.core.models import Timestamped, history


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONVENED = "convened", _("Convened")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MinutesState(models.TextChoices):
    NONE = "none", _("Not written")
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class MeetingQuerySet(models.QuerySet):
    def for_year(self, year: int) -> MeetingQuerySet:
        return self.filter(starts_at__year=year)

    def held(self) -> MeetingQuerySet:
        return self.filter(state=MeetingState.HELD)


def minutes_pdf_path(instance: Meeting, filename: str) -> str:
    return f"coordination/{instance.pk}/minutes/{filename}"


@text_integrity
class Meeting(Timestamped):
    """A meeting of the coordination table."""

    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    invited_departments = models.ManyToManyField(
        "departments.Department", verbose_name=_("invited departments"), blank=True, related_name="meetings"
    )
    state = models.CharField(_("state"), max_length=20, choices=MeetingState.choices, default=MeetingState.PLANNED)
    minutes_state = models.CharField(
        _("minutes"), max_length=20, choices=MinutesState.choices, default=MinutesState.NONE
    )
    minutes_summary = models.TextField(_("minutes: general summary"), max_length=20000, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The PDF of the approved minutes, typeset once at approval and never
    # rewritten: its file name carries its checksum.
    minutes_pdf = models.FileField(_("minutes PDF"), upload_to=minutes_pdf_path, max_length=500, blank=True)
    minutes_pdf_sha256 = models.CharField(_("minutes PDF SHA-256 checksum"), max_length=64, blank=True)

    objects = MeetingQuerySet.as_manager()
    history = history(m2m_fields=("invited_departments",))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="coordination_meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~models.Q(minutes_state="approved")
                | models.Q(minutes_approved_at__isnull=False, minutes_approved_by__isnull=False),
                name="coordination_meeting_approval_recorded",
            ),
            models.CheckConstraint(
                condition=models.Q(online_url="")
                | models.Q(online_url__startswith="https://")
                | models.Q(online_url__startswith="http://"),
                name="coordination_meeting_online_url_http",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_pdf="", minutes_pdf_sha256="")
                | (
                    models.Q(minutes_state="approved")
                    & ~models.Q(minutes_pdf="")
                    & models.Q(Exact(Length("minutes_pdf_sha256"), 64))
                ),
                name="coordination_meeting_minutes_pdf_of_approved",
                violation_error_message=_("Only approved minutes have a PDF, stored with its checksum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:coordination_meeting_change", args=[self.pk])


class AgendaItemState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not admitted")


@text_integrity
class AgendaItem(Timestamped):
    """An item on a meeting's agenda. Departments propose; the coordinator
    orders and approves."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    proposed_by_department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("proposed by department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AgendaItemState.choices, default=AgendaItemState.PROPOSED
    )
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)

    history = history()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


@text_integrity
class Attendance(Timestamped):
    """Who attended for a department, or who excused themselves."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    department = models.ForeignKey(
        "departments.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    person_name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("When the person has no relint account.")
    )
    status = models.CharField(_("status"), max_length=20, choices=AttendanceStatus.choices)

    history = history()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "department__table_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "department", "person"],
                condition=models.Q(person__isnull=False),
                name="coordination_attendance_unique_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "department", "person_name"],
                condition=models.Q(person__isnull=True),
                name="coordination_attendance_unique_name",
            ),
        ]

    def __str__(self) -> str:
        who = self.person or self.person_name or self.department
        return f"{who}: {self.get_status_display()}"


class DecisionQuerySet(models.QuerySet):
    def public(self) -> DecisionQuerySet:
        """Only decisions marked public, from approved minutes."""
        return self.filter(is_public=True, meeting__minutes_state=MinutesState.APPROVED)

    def strategic(self) -> DecisionQuerySet:
        return self.filter(is_strategic=True)


@text_integrity
class Decision(Timestamped):
    """A decision of the table. Strategic ones feed the annual report; public
    ones appear on the portal."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    text_it = models.TextField(_("text (Italian)"), max_length=4000)
    text_en = models.TextField(_("text (English)"), max_length=4000, blank=True)
    is_strategic = models.BooleanField(_("strategic"), default=False)
    is_public = models.BooleanField(_("public"), default=False)

    objects = DecisionQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.agenda_item_id and self.agenda_item.meeting_id != self.meeting_id:
            raise ValidationError({"agenda_item": _("The agenda item belongs to another meeting.")})

    @property
    def text(self) -> str:
        if (get_language() or "it").startswith("en") and self.text_en:
            return self.text_en
        return self.text_it


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionItemQuerySet(models.QuerySet):
    def pending(self) -> ActionItemQuerySet:
        return self.filter(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])

    def overdue(self, on=None) -> ActionItemQuerySet:
        from django.utils import timezone

        return self.pending().filter(due_on__lt=on or timezone.localdate())


@text_integrity
class ActionItem(Timestamped):
    """A follow-up the table assigned to a department, with a due date."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="action_items"
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    owner_department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    activities = models.ManyToManyField(
        "activities.Activity", verbose_name=_("activities concerned"), blank=True, related_name="action_items"
    )

    objects = ActionItemQuerySet.as_manager()
    history = history(m2m_fields=("activities",))

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(completed_on__isnull=False),
                name="coordination_action_done_has_date",
                violation_error_message=_("A done action needs its completion date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.decision_id and self.decision.meeting_id != self.meeting_id:
            raise ValidationError({"decision": _("The decision belongs to another meeting.")})


def meeting_attachment_path(instance: MeetingAttachment, filename: str) -> str:
    return f"coordination/{instance.meeting_id}/{filename}"


@text_integrity
class MeetingAttachment(Timestamped):
    """A document sent with a meeting (agenda annex, presentation, minutes
    annex). Type and size are checked on the file's own bytes when uploaded
    (`relint.coordination.uploads`)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=meeting_attachment_path, max_length=500)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
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
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")
        ordering = ["meeting", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coordination:attachment", args=[self.meeting_id, self.pk])


class CalendarFeedTokenQuerySet(models.QuerySet):
    def active(self) -> CalendarFeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


@text_integrity
class CalendarFeedToken(Timestamped):
    """The secret in the URL of a user's calendar feed of table meetings.

    Calendar programs cannot sign in, so the URL itself is the credential:
    the token comes from `secrets`, and the user can revoke it (the old URL
    then answers 404) and get a new one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering = ["user", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="coordination_feedtoken_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("coordination:feed", args=[self.token])
