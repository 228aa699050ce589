"""Forms of the coordination table. They only read and check the input; the
services write."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relint.activities.models import Activity
from relint.coordination.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaItemState,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MeetingAttachment,
)
from relint.departments.models import Department, TableMembership


class LoadedAtMixin:
    """A hidden `loaded_at`: the record's `updated_at` when the form was
    opened, which the service compares with the row's (the version guard)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.fields["loaded_at"] = forms.CharField(widget=forms.HiddenInput, required=True, max_length=40)
        if instance is not None and instance.pk:
            self.fields["loaded_at"].initial = instance.updated_at.isoformat()

    def clean_loaded_at(self) -> datetime.datetime:
        try:
            loaded_at = datetime.datetime.fromisoformat(self.cleaned_data["loaded_at"])
        except ValueError:
            raise forms.ValidationError(_("The form is damaged: reload the page.")) from None
        if loaded_at.tzinfo is None:
            raise forms.ValidationError(_("The form is damaged: reload the page."))
        return loaded_at


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _Styled:
    """bootstrap-italia classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            widget = bound.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
                widget.attrs.setdefault("size", "8")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class MembershipForm(_Styled, forms.ModelForm):
    delegates = PeopleChoiceField(label=_("delegates"), queryset=_people(), required=False)

    class Meta:
        model = TableMembership
        fields = ["department", "joined_on", "left_on", "scopes_it", "scopes_en", "delegates"]
        widgets = {
            "joined_on": DateInput(),
            "left_on": DateInput(),
            "scopes_it": forms.Textarea(attrs={"rows": 3}),
            "scopes_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegates"].queryset = _people()
        self.fields["department"].queryset = Department.objects.active()
        if self.instance.pk:
            # The seat belongs to its department; a new period is a new seat.
            self.fields["department"].disabled = True

    def _post_clean(self):
        # The service runs the model's full_clean() itself, with the overlap
        # check; validating here too would report the same error twice.
        pass


def _https_urls(field, **kwargs):
    # A link typed without its scheme is taken as https, the default of
    # Django 6 (5.2 assumes http and warns); as the admin does
    # (relint.core.admin.URL_FIELD_OVERRIDES).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class MeetingForm(_Styled, forms.ModelForm):
    class Meta:
        model = Meeting
        formfield_callback = _https_urls
        fields = ["title", "starts_at", "ends_at", "place", "online_url", "invited_departments"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}
        field_classes = {"starts_at": forms.DateTimeField, "ends_at": forms.DateTimeField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_departments"].queryset = Department.objects.active()
        self.fields["invited_departments"].help_text = _("Hold Ctrl (or Cmd) to choose several departments.")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if not cleaned.get("place") and not cleaned.get("online_url"):
            self.add_error("place", _("Give a place, an online link, or both."))
        return cleaned

    def _post_clean(self):
        pass


class AgendaProposalForm(_Styled, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["proposed_by_department", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["proposed_by_department"]
        if departments is not None:
            field.queryset = departments
            field.required = True
            field.empty_label = None
        else:
            field.queryset = Department.objects.active()
            field.help_text = _("Leave empty for an item of the coordination office itself.")

    def _post_clean(self):
        pass


class AgendaReviewForm(_Styled, forms.Form):
    state = forms.ChoiceField(label=_("state"), choices=AgendaItemState.choices)
    position = forms.IntegerField(label=_("position"), min_value=0, max_value=999)


class AttendanceForm(_Styled, forms.ModelForm):
    person = PersonChoiceField(label=_("person"), queryset=_people(), required=False)

    class Meta:
        model = Attendance
        fields = ["department", "person", "person_name", "status"]

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people()
        # All active departments are offered: the service says clearly which
        # were not invited, rather than a choice that silently disappears.
        self.fields["department"].queryset = Department.objects.active()
        self.fields["status"].choices = [
            (value, label) for value, label in AttendanceStatus.choices if value != AttendanceStatus.ABSENT
        ]

    def _post_clean(self):
        pass


_MINUTES_VALIDATORS = [ProhibitNullCharactersValidator(), MaxLengthValidator(20000)]


class MinutesForm(_Styled, forms.Form):
    """The general summary and one text per approved agenda item."""

    summary = forms.CharField(
        label=_("General summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
        validators=[ProhibitNullCharactersValidator()],
    )

    def __init__(self, *args, agenda: list[AgendaItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        for position, item in enumerate(agenda, start=1):
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=f"{position}. {item.title}",
                widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
                required=False,
                max_length=20000,
                validators=[ProhibitNullCharactersValidator()],
                initial=item.minutes,
            )

    def item_minutes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.agenda}


class DecisionForm(_Styled, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["agenda_item", "text_it", "text_en", "is_strategic", "is_public"]
        widgets = {"text_it": forms.Textarea(attrs={"rows": 4}), "text_en": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.filter(state=AgendaItemState.APPROVED)
        self.fields["is_strategic"].help_text = _("Strategic decisions feed the annual report.")
        self.fields["is_public"].help_text = _("Public decisions appear on the portal once the minutes are approved.")

    def _post_clean(self):
        pass


class ActionItemForm(_Styled, forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "description", "owner_department", "due_on", "decision", "activities"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = meeting.decisions.all()
        self.fields["owner_department"].queryset = Department.objects.active()
        self.fields["activities"].queryset = Activity.objects.filter(
            year__in=[meeting.starts_at.year - 1, meeting.starts_at.year, meeting.starts_at.year + 1]
        ).order_by("-year", "title_it")
        self.fields["activities"].required = False
        self.fields["activities"].help_text = _("Activities of the meeting's year and the years either side.")

    def _post_clean(self):
        pass


class ActionStatusForm(_Styled, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ActionStatus.choices)


class AttachmentForm(_Styled, forms.Form):
    title = forms.CharField(label=_("title"), max_length=300, validators=[ProhibitNullCharactersValidator()])
    file = forms.FileField(label=_("file"))


class DecisionEditForm(LoadedAtMixin, DecisionForm):
    pass


class ActionItemEditForm(LoadedAtMixin, ActionItemForm):
    pass


class AttachmentEditForm(LoadedAtMixin, _Styled, forms.ModelForm):
    class Meta:
        model = MeetingAttachment
        fields = ["title"]

    def _post_clean(self):
        pass
