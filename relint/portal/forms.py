"""The portal's one form: the filters of the activity list.

It validates the query string (a GET form), so that a hand-edited address
with a wrong value gets a message naming the filter, never a server error
or a silently ignored filter.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relint.activities.models import ActivityKind, FundingProgramme, SustainableDevelopmentGoal
from relint.core.models import Country
from relint.departments.models import Department
from relint.partners.models import PartnerCity
from relint.portal import selectors

MAX_PAGE = 100_000


class _FastSelect(forms.Select):
    """A select whose options are written in Python.

    Django renders each option through a template, about 0.1 ms apiece;
    the country and city lists have hundreds of options, which made the
    activity list several times slower than its queries.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(key), mark_safe(" selected") if str(key) == selected else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class _ModelChoiceField(forms.ModelChoiceField):
    """A model choice whose every bad value gets the field's own message:
    Django lets the lookup's error through ("'x' is not a valid UUID")."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "invalid_choice":
                raise
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class ActivityFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("There are no public activities for the year “%(value)s”.")},
    )
    department = _ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All departments"),
        error_messages={"invalid_choice": _("No department has the code given.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of activity.")},
    )
    country = _ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        empty_label=_("All countries"),
        error_messages={"invalid_choice": _("No country has the code given.")},
    )
    city = _ModelChoiceField(
        label=_("Partner city"),
        queryset=PartnerCity.objects.none(),
        to_field_name="uid",
        required=False,
        empty_label=_("All partner cities"),
        error_messages={"invalid_choice": _("No partner city has the identifier given.")},
    )
    sdg = _ModelChoiceField(
        label=_("Sustainable Development Goal"),
        queryset=SustainableDevelopmentGoal.objects.none(),
        required=False,
        empty_label=_("All goals"),
        error_messages={"invalid_choice": _("The goals are numbered from 1 to 17.")},
    )
    programme = _ModelChoiceField(
        label=_("Programme"),
        queryset=FundingProgramme.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All programmes"),
        error_messages={"invalid_choice": _("No programme has the code given.")},
    )
    page = forms.IntegerField(
        label=_("Page"),
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("The page must be a whole number.")},
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets and labels are built here, per request, so that names
        # follow the active language.
        self.fields["year"].choices = [("", _("All years")), *((str(y), str(y)) for y in years)]
        self.fields["kind"].choices = [("", _("All kinds")), *ActivityKind.choices]
        self.fields["department"].queryset = Department.objects.order_by("table_order", "name_it")
        self.fields["country"].queryset = Country.objects.ordered_by_name()
        self.fields["city"].queryset = PartnerCity.objects.with_country().order_by(
            "name_en" if (get_language() or "it").startswith("en") else "name_it", "name_it"
        )
        self.fields["sdg"].queryset = SustainableDevelopmentGoal.objects.order_by("number")
        self.fields["programme"].queryset = FundingProgramme.objects.order_by("level", "name_it")
        for name, field in self.fields.items():
            if name != "page":
                choices = field.widget.choices
                field.widget = _FastSelect(attrs={"class": "form-select"}, choices=choices)
        self.fields["city"].label_from_instance = lambda city: f"{city.name} ({city.country.name})"
        self.fields["sdg"].label_from_instance = str

    def filters(self) -> selectors.ActivityFilters:
        data = self.cleaned_data
        return selectors.ActivityFilters(
            year=data.get("year"),
            department=data.get("department"),
            kind=data.get("kind") or "",
            country=data.get("country"),
            city=data.get("city"),
            sdg=data.get("sdg"),
            programme=data.get("programme"),
        )
