"""Forms of the partner registry: filters of the lists, and the create/edit
forms, whose cleaned data the views hand to `relint.partners.services`."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from relint.core.models import Continent, Country
from relint.departments.models import Department
from relint.partners import selectors, services
from relint.partners.documents import ALLOWED_EXTENSIONS, MAX_DOCUMENT_SIZE
from relint.partners.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    OrganisationKind,
    PartnerCity,
    RelationKind,
    RelationState,
)
from relint.workspace.forms import BootstrapItaliaMixin

# Something that a browser would read as the start of a tag, a comment or a
# processing instruction. Plain "<" (as in "< 5 km") stays allowed.
_MARKUP = re.compile(r"<\s*[A-Za-z!/?]")


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The HTML date input always sends (and shows from) ISO dates; the
        # browser displays them in the user's locale.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RegistryForm(BootstrapItaliaMixin, forms.ModelForm):
    """A registry form: date pickers for dates, and no markup in any text.

    Text is always escaped when shown, but the registry feeds the report, the
    exports and the open data, where nobody should find HTML; refusing it
    with a message is clearer than storing it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = _DateInput(attrs=field.widget.attrs)
        if self.instance.pk and hasattr(self.instance, "version"):
            # The version the form is built from, for the service's guard
            # against lost updates (relint.core.conflicts).
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, initial=self.instance.version, required=False
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if "version" in self.fields and cleaned.get("version") is None:
            # A hidden field's own error would not show next to any input.
            self.add_error(None, _("This form is incomplete: reload the page and try again."))
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and _MARKUP.search(value):
                self.add_error(name, _("HTML tags are not allowed here; write plain text."))
        return cleaned


# --- Filters ------------------------------------------------------------------
class CityFilterForm(BootstrapItaliaMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False, empty_label=_("All countries")
    )
    continent = forms.ChoiceField(label=_("Continent"), required=False)
    kind = forms.ChoiceField(label=_("Relation kind"), required=False)
    state = forms.ChoiceField(label=_("Relation state"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only countries that have a partner city.
        self.fields["country"].queryset = Country.objects.filter(
            iso2__in=PartnerCity.objects.values("country_id")
        ).ordered_by_name()
        self.fields["continent"].choices = [("", _("All continents")), *Continent.choices]
        self.fields["kind"].choices = [("", _("All kinds")), *RelationKind.choices]
        self.fields["state"].choices = [("", _("All states")), *RelationState.choices]

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data["q"].strip(),
            "country": data["country"].pk if data["country"] else "",
            "continent": data["continent"],
            "kind": data["kind"],
            "state": data["state"],
        }


class OrganisationFilterForm(BootstrapItaliaMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *OrganisationKind.choices]

    def filters(self) -> dict:
        return {"q": self.cleaned_data["q"].strip(), "kind": self.cleaned_data["kind"]}


class AgreementFilterForm(BootstrapItaliaMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    validity = forms.ChoiceField(
        label=_("Validity"),
        required=False,
        choices=[("", _("All")), (selectors.IN_FORCE, _("In force")), (selectors.EXPIRED, _("Expired"))],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *AgreementKind.choices]

    def filters(self) -> dict:
        data = self.cleaned_data
        return {"q": data["q"].strip(), "validity": data["validity"], "kind": data["kind"]}


class ContactFilterForm(BootstrapItaliaMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def filters(self) -> dict:
        return {"q": self.cleaned_data["q"].strip()}


# --- Partner cities and relations ------------------------------------------------
class CityForm(RegistryForm):
    class Meta:
        model = PartnerCity
        fields = services.CITY_FIELDS  # the fields its service may set

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.ordered_by_name()


class RelationForm(RegistryForm):
    class Meta:
        model = CityRelation
        fields = services.RELATION_FIELDS  # the fields its service may set

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.order_by("title_it")
        self.fields["signed_on"].help_text = _(
            "With a precision of month or year, enter the first day of the month or of the year."
        )


# --- Organisations and memberships -------------------------------------------------
class OrganisationForm(RegistryForm):
    # Declared to choose the scheme assumed for "www.example.org" (Django's
    # default changes from http to https in 6.0); `javascript:` and other
    # schemes are refused by the URL validator.
    website = forms.URLField(
        label=Organisation._meta.get_field("website").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Organisation
        fields = services.ORGANISATION_FIELDS  # the fields its service may set

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.ordered_by_name()
        self.fields["city"].queryset = PartnerCity.objects.with_country()


class MembershipForm(RegistryForm):
    class Meta:
        model = CommitteeMembership
        fields = services.MEMBERSHIP_FIELDS  # the fields its service may set

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Organisation.objects.committees()
        self.fields["member"].queryset = Organisation.objects.all()


# --- Agreements ---------------------------------------------------------------------
class AgreementForm(RegistryForm):
    class Meta:
        model = Agreement
        fields = services.AGREEMENT_FIELDS  # the fields its service may set

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = Department.objects.order_by("name_it")


class PartyForm(RegistryForm):
    class Meta:
        model = AgreementParty
        fields = services.PARTY_FIELDS  # the fields its service may set

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.fields["city"].queryset = PartnerCity.objects.with_country()
        self.fields["organisation"].help_text = _("Choose an organisation or a partner city, not both.")


DOCUMENT_LANGUAGES = [
    ("", _("Not stated")),
    ("it", _("Italian")),
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("pt", _("Portuguese")),
    ("other", _("Other")),
]


class DocumentForm(BootstrapItaliaMixin, forms.Form):
    """An upload; the size and type checks are in the service, so that every
    way in applies them."""

    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=DOCUMENT_LANGUAGES, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Accepted types: %(types)s; at most %(size)d MB.") % {
            "types": ", ".join(ALLOWED_EXTENSIONS),
            "size": MAX_DOCUMENT_SIZE // (1024 * 1024),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED_EXTENSIONS)

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        if _MARKUP.search(title):
            raise forms.ValidationError(_("HTML tags are not allowed here; write plain text."))
        return title


# --- Contact persons ------------------------------------------------------------------
class ContactForm(RegistryForm):
    class Meta:
        model = ContactPerson
        fields = services.CONTACT_FIELDS  # the fields its service may set

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.fields["city"].queryset = PartnerCity.objects.with_country()
        self.fields["notes"].help_text = _("Work matters only: no private details (GDPR).")
