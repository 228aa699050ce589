"""Forms of the activity pages: the list's filters, the activity form with
its inline rows (partner cities, organisations, funding lines, links), the
review actions, attachments and the reporting round.

Every value that reaches a query or a service passes through one of these
forms first: filters are typed fields, never request dictionaries, and
choice fields only offer what the user may pick (a forged id of another
department is "not one of the available choices").
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relint.activities.models import (
    MAX_YEAR,
    MIN_YEAR,
    Activity,
    ActivityKind,
    ActivityStatus,
    FundingProgramme,
    FundingSource,
    PartnerRole,
    ReviewState,
    SustainableDevelopmentGoal,
)
from relint.activities.selectors import ActivityFilters
from relint.core import uploads
from relint.core.models import Country, DatePrecision
from relint.core.widgets import SharedOptionsSelect
from relint.departments import permissions
from relint.departments.models import Department
from relint.partners import geonames
from relint.partners.models import Organisation, OrganisationKind, PartnerCity
from relint.workspace.forms import BootstrapItaliaMixin

# Markup is refused in plain-text fields: the report, the portal and the
# exports print these texts, and a "<script>" there is never intended.
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")


class PlainTextMixin:
    """Refuse HTML markup in every text input of the form."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            field = self.fields.get(name)
            if isinstance(field, forms.CharField) and isinstance(value, str) and _MARKUP.search(value):
                self.add_error(name, _("HTML markup is not allowed here: write plain text."))
        return cleaned


# --- The list's filters -----------------------------------------------------
class ActivityFilterForm(BootstrapItaliaMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any")), *ActivityKind.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *ActivityStatus.choices], required=False)
    review_state = forms.ChoiceField(
        label=_("Review state"), choices=[("", _("Any")), *ReviewState.choices], required=False
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none(), required=False)
    city = forms.ModelChoiceField(label=_("Partner city"), queryset=PartnerCity.objects.none(), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Organisation.objects.none(), required=False
    )
    sdg = forms.ModelChoiceField(label=_("SDG"), queryset=SustainableDevelopmentGoal.objects.all(), required=False)
    programme = forms.ModelChoiceField(
        label=_("Funding programme"), queryset=FundingProgramme.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("table_order", "name_it")
        self.fields["country"].queryset = (
            Country.objects.filter(pk__in=Activity.countries.through.objects.values("country_id")).ordered_by_name()
            | Country.objects.filter(pk__in=PartnerCity.objects.values("country_id")).ordered_by_name()
        )
        self.fields["city"].queryset = PartnerCity.objects.with_country().order_by("name_it")
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        for name in ("department", "country", "city", "organisation", "sdg", "programme"):
            self.fields[name].empty_label = _("Any")

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def filters(self) -> ActivityFilters:
        data = self.cleaned_data
        return ActivityFilters(
            year=data.get("year"),
            department=data.get("department"),
            kind=data.get("kind") or None,
            status=data.get("status") or None,
            review_state=data.get("review_state") or None,
            country=data.get("country"),
            city=data.get("city"),
            organisation=data.get("organisation"),
            sdg=data.get("sdg"),
            programme=data.get("programme"),
            text=data.get("q") or None,
        )


# --- The activity form ------------------------------------------------------------
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _first_of_period(value, precision: str):
    """A date known to the month or the year is stored as the first day of
    that period (see `DatePrecision`)."""
    if value is None:
        return None
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    return value


class ActivityForm(PlainTextMixin, BootstrapItaliaMixin, forms.ModelForm):
    """Every field of an activity that a department fills in. Workflow
    fields (review state, comment, snapshot) are not here: they move only
    through the review services."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Activity
        fields = [
            "year",
            "kind",
            "lead_department",
            "departments",
            "title_it",
            "title_en",
            "description_it",
            "description_en",
            "results_it",
            "results_en",
            "status",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "countries",
            "programme",
            "sdgs",
            "dac_sector",
            "iati_publish",
            "is_public",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "sdgs": forms.CheckboxSelectMultiple,
            "description_it": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "results_it": forms.Textarea(attrs={"rows": 3}),
            "results_en": forms.Textarea(attrs={"rows": 3}),
            "countries": forms.SelectMultiple(attrs={"size": 6}),
            "departments": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("table_order", "name_it")
        if not permissions.is_coordinator(user):
            # An editor leads activities only for their own departments; any
            # other id in a forged POST is "not one of the available choices".
            lead = departments.filter(pk__in=permissions.editable_department_ids(user))
        else:
            lead = departments
        self.fields["lead_department"].queryset = lead
        if lead.count() == 1 and not self.instance.pk:
            self.fields["lead_department"].initial = lead.first()
        self.fields["departments"].queryset = departments
        self.fields["countries"].queryset = Country.objects.ordered_by_name()
        self.fields["dac_sector"].validators.append(
            RegexValidator(r"^\d{5}$", _("A DAC purpose code has five digits."))
        )
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        for name in ("title_it", "title_en", "description_it", "description_en", "results_it", "results_en"):
            self.fields[name].strip = True

    def clean(self):
        cleaned = super().clean()
        for date_name, precision_name in (("start_date", "start_precision"), ("end_date", "end_precision")):
            if cleaned.get(date_name):
                cleaned[date_name] = _first_of_period(cleaned[date_name], cleaned.get(precision_name) or "day")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot come before the start date."))
        lead = cleaned.get("lead_department")
        if lead and lead in (cleaned.get("departments") or []):
            self.add_error("departments", _("The lead department is already involved: list only the others."))
        return cleaned

    def activity_fields(self) -> dict:
        """The cleaned values the services take (`EDITABLE_FIELDS`)."""
        data = self.cleaned_data
        names = [n for n in self.Meta.fields if n not in {"departments", "countries", "sdgs"}]
        return {name: data.get(name) for name in names}


class CityField(forms.CharField):
    """A partner city given as text: a city of the registry ("Lione (FR)"),
    or one found offline in GeoNames, by name or as "geonames:<id>" (the
    value the autocomplete fills in)."""

    _WITH_ID = re.compile(r"geonames:(\d{1,10})")
    _WITH_COUNTRY = re.compile(r"^(?P<name>.+?)\s*\((?P<cc>[A-Za-z]{2})\)\s*$")

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        match = self._WITH_ID.search(text)
        if match:
            geonames_id = int(match.group(1))
            known = PartnerCity.objects.filter(geonames_id=geonames_id).first()
            if known:
                return known
            found = geonames.get(geonames_id)
            if found is None:
                raise ValidationError(_("No city has GeoNames id %(id)s."), params={"id": geonames_id})
            return found
        name, country = text, None
        match = self._WITH_COUNTRY.match(text)
        if match:
            name, country = match.group("name").strip(), match.group("cc").upper()
        registry = PartnerCity.objects.with_country().filter(
            Q(name_it__iexact=name) | Q(name_en__iexact=name) | Q(name_local__iexact=name)
        )
        if country:
            registry = registry.filter(country_id=country)
        registry = list(registry[:6])
        if len(registry) == 1:
            return registry[0]
        if len(registry) > 1:
            raise ValidationError(
                _("Several cities in the registry are called %(name)s: write one of %(choices)s."),
                params={"name": name, "choices": "; ".join(str(city) for city in registry)},
            )
        found = geonames.find_exact(name, country)
        if not found:
            raise ValidationError(
                _(
                    "No city called %(name)s is in the registry or in GeoNames. "
                    'Check the spelling, or add the country code, as in "Lione (FR)".'
                ),
                params={"name": name},
            )
        if len(found) > 1:
            raise ValidationError(
                _("Several cities are called %(name)s: write one of %(choices)s."),
                params={
                    "name": name,
                    "choices": "; ".join(f"{city.label} · geonames:{city.geonames_id}" for city in found[:6]),
                },
            )
        known = PartnerCity.objects.filter(geonames_id=found[0].geonames_id).first()
        return known or found[0]


class CityLinkForm(PlainTextMixin, BootstrapItaliaMixin, forms.Form):
    city = CityField(
        label=_("Partner city"),
        max_length=250,
        required=False,
        help_text=_("Type the name: a city not yet in the registry is looked up in GeoNames."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices, initial=PartnerRole.PARTNER)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _autocomplete(self, "city", "activities:city_search")

    @property
    def options_id(self) -> str:
        return f"{self['city'].auto_id}-options"

    def clean(self):
        cleaned = forms.Form.clean(self)
        if not cleaned.get("city") and not self.errors and self.has_changed() and not cleaned.get("DELETE"):
            self.add_error("city", _("Name the city, or leave the row empty."))
        return cleaned


def organisation_label(organisation: Organisation | None) -> str | None:
    """How an organisation field shows one, and reads it back."""
    return str(organisation) if organisation is not None else None


class OrganisationField(forms.CharField):
    """An organisation of the registry given as text: its name, English
    name or acronym, or "Name (ACRONYM)" as the field shows it (the value
    the autocomplete fills in). A list of every organisation in every row
    made the activity form the slowest staff page (docs/benchmarks.md)."""

    _WITH_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()]{1,50})\)\s*$")

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 400)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        text = " ".join(text.split())
        found = self._find(Q(name__iexact=text) | Q(name_en__iexact=text) | Q(acronym__iexact=text))
        match = self._WITH_ACRONYM.match(text)
        if not found and match:
            found = self._find(Q(name__iexact=match.group("name").strip(), acronym__iexact=match.group("acronym")))
        if len(found) == 1:
            return found[0]
        if found:
            raise ValidationError(
                _("Several organisations are called %(name)s: write one of %(choices)s."),
                params={"name": text, "choices": "; ".join(str(o) for o in found)},
            )
        raise ValidationError(
            _("No organisation of the registry is called %(name)s: pick one from the suggestions, or name a new one."),
            params={"name": text},
        )

    def has_changed(self, initial, data) -> bool:
        return " ".join((initial or "").split()) != " ".join((data or "").split())

    @staticmethod
    def _find(condition: Q) -> list[Organisation]:
        return list(Organisation.objects.filter(condition).order_by("name")[:6])


def _autocomplete(form: forms.Form, name: str, url_name: str) -> None:
    """With JavaScript, htmx fills the field's datalist with the matching
    records as one types; without it, the typed name is resolved on save."""
    options = f"{form[name].auto_id}-options"
    form.fields[name].widget.attrs.update(
        {
            "list": options,
            "autocomplete": "off",
            "hx-get": reverse(url_name),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{options}",
            "hx-swap": "innerHTML",
        }
    )


class OrganisationLinkForm(PlainTextMixin, BootstrapItaliaMixin, forms.Form):
    organisation = OrganisationField(
        label=_("Organisation"), required=False, help_text=_("Type its name or acronym and pick it from the list.")
    )
    new_name = forms.CharField(
        label=_("or a new organisation"),
        max_length=300,
        required=False,
        help_text=_("Its name, if it is not in the list."),
    )
    new_kind = forms.ChoiceField(
        label=_("Kind of the new organisation"),
        choices=[("", "—")] + [c for c in OrganisationKind.choices if c[0] != OrganisationKind.CITY_OWNED],
        required=False,
    )
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices, initial=PartnerRole.PARTNER)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _autocomplete(self, "organisation", "activities:organisation_search")

    @property
    def options_id(self) -> str:
        return f"{self['organisation'].auto_id}-options"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE") or not self.has_changed():
            return cleaned
        organisation, new_name = cleaned.get("organisation"), (cleaned.get("new_name") or "").strip()
        if organisation and new_name:
            self.add_error("new_name", _("Pick an organisation from the list or name a new one, not both."))
        elif not organisation and not new_name and not self.errors:
            self.add_error("organisation", _("Pick an organisation, or name a new one."))
        elif new_name:
            existing = Organisation.objects.filter(name__iexact=new_name).first()
            if existing:
                cleaned["organisation"] = existing
            elif not cleaned.get("new_kind"):
                self.add_error("new_kind", _("Say what kind of organisation it is."))
        return cleaned

    def entry(self):
        """(Organisation or {"name", "kind"}, role) for the services."""
        data = self.cleaned_data
        target = data.get("organisation") or {"name": data["new_name"].strip(), "kind": data["new_kind"]}
        return target, data["role"]


class FundingLineForm(PlainTextMixin, BootstrapItaliaMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=[("", "—"), *FundingSource.choices], required=False)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=FundingProgramme.objects.all(), required=False, widget=SharedOptionsSelect
    )
    funder = OrganisationField(label=_("Funder"), required=False)
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), min_value=0, max_digits=14, decimal_places=2, required=False, localize=True
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _autocomplete(self, "funder", "activities:organisation_search")

    @property
    def options_id(self) -> str:
        return f"{self['funder'].auto_id}-options"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE") or not self.has_changed():
            return cleaned
        if not cleaned.get("source") and "source" not in self.errors:
            self.add_error("source", _("Say where the money comes from."))
        if cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Give the amount in euros."))
        return cleaned

    def entry(self) -> dict:
        data = self.cleaned_data
        return {
            "source": data["source"],
            "programme": data.get("programme"),
            "funder": data.get("funder"),
            "amount": data["amount"],
            "note": data.get("note", ""),
        }


class LinkForm(PlainTextMixin, BootstrapItaliaMixin, forms.Form):
    url = forms.URLField(label=_("Address"), max_length=500, required=False, assume_scheme="https")
    label = forms.CharField(label=_("Label"), max_length=200, required=False)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Only http and https addresses are accepted."))
        return url

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE") and self.has_changed() and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", _("Give the address, or leave the row empty."))
        return cleaned


def _formset(form_class, prefix_extra: int = 2):
    return forms.formset_factory(form_class, extra=prefix_extra, can_delete=True, max_num=50, validate_max=True)


CityLinkFormSet = _formset(CityLinkForm)
OrganisationLinkFormSet = _formset(OrganisationLinkForm)
FundingLineFormSet = _formset(FundingLineForm)
LinkFormSet = _formset(LinkForm)

FORMSET_PREFIXES = {
    "cities": CityLinkFormSet,
    "organisations": OrganisationLinkFormSet,
    "funding": FundingLineFormSet,
    "links": LinkFormSet,
}


def kept_forms(formset) -> list:
    """The filled-in rows of a valid formset, without the deleted ones."""
    return [f for f in formset.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]


def initial_rows(activity: Activity | None) -> dict[str, list[dict]]:
    """The formsets' initial rows for an existing activity."""
    if activity is None or activity.pk is None:
        return {prefix: [] for prefix in FORMSET_PREFIXES}
    return {
        "cities": [
            {"city": f"{link.city.name_it} ({link.city.country_id})", "role": link.role}
            for link in activity.city_links.select_related("city")
        ],
        "organisations": [
            {"organisation": organisation_label(link.organisation), "role": link.role}
            for link in activity.organisation_links.select_related("organisation")
        ],
        "funding": [
            {
                "source": line.source,
                "programme": line.programme_id,
                "funder": organisation_label(line.funder),
                "amount": line.amount,
                "note": line.note,
            }
            for line in activity.funding_lines.select_related("funder")
        ],
        "links": [{"url": link.url, "label": link.label} for link in activity.links.all()],
    }


# --- Review ---------------------------------------------------------------------
class ReturnForm(PlainTextMixin, BootstrapItaliaMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment for the department"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what the department should change."),
    )


class BulkAcceptForm(forms.Form):
    activities = forms.ModelMultipleChoiceField(queryset=Activity.objects.filter(review_state=ReviewState.SUBMITTED))


class VersionForm(forms.Form):
    """The version a page was built from, posted back by action buttons."""

    version = forms.IntegerField(min_value=1)


class CopyForm(BootstrapItaliaMixin, forms.Form):
    year = forms.IntegerField(label=_("Year of the copy"), min_value=MIN_YEAR, max_value=MAX_YEAR)


# --- Attachments ------------------------------------------------------------------
# Accepted attachment types, recognised by their first bytes
# (`relint.core.uploads`); the extension must agree with the content, so a
# program renamed ".pdf" is refused.
ATTACHMENT_MAX_BYTES = getattr(settings, "RELINT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".pptx", ".odt", ".ods")
ATTACHMENT_TYPES = {extension: uploads.BY_EXTENSION[extension].content_type for extension in ATTACHMENT_EXTENSIONS}


class AttachmentForm(PlainTextMixin, BootstrapItaliaMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(
        label=_("File"),
        max_length=200,
        help_text=_("PDF, image (PNG, JPEG), Word, Excel, PowerPoint or OpenDocument; at most %(size)s.")
        % {"size": filesizeformat(ATTACHMENT_MAX_BYTES)},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.cleaned_data["content_type"] = uploads.check_upload(
            upload, max_bytes=ATTACHMENT_MAX_BYTES, extensions=ATTACHMENT_EXTENSIONS
        )
        return upload


# --- Reporting rounds ---------------------------------------------------------------
class RoundOpenForm(PlainTextMixin, BootstrapItaliaMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
