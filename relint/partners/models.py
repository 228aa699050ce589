"""Partner cities and their relations, organisations and committees,
agreements, and contact persons."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relint.core.integrity import text_integrity
from relint.core.models import BilingualNameMixin, Country, DatePrecision, Timestamped, history


# --- Partner cities ---------------------------------------------------------
class PartnerCityQuerySet(models.QuerySet):
    def with_country(self) -> PartnerCityQuerySet:
        return self.select_related("country")


@text_integrity
class PartnerCity(BilingualNameMixin, Timestamped):
    """A city the City of Turin is twinned or partnered with."""

    uid = models.UUIDField(_("stable identifier"), default=uuid.uuid4, unique=True, editable=False)
    name_it = models.CharField(_("name (Italian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_local = models.CharField(_("local name"), max_length=200, blank=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="cities")
    region = models.CharField(_("region or province"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True, unique=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)

    objects = PartnerCityQuerySet.as_manager()
    # Raised by every save through the services; a form carries the value it
    # was built from, so an edit made on an old version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("partner city")
        verbose_name_plural = _("partner cities")
        ordering = ["name_it"]
        constraints = [
            models.UniqueConstraint(fields=["name_it", "country"], name="partners_city_unique_name_country"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="partners_city_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="partners_city_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="partners_city_coordinates_paired",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"

    def get_absolute_url(self) -> str:
        return reverse("partners:city_detail", args=[self.pk])


class RelationKind(models.TextChoices):
    TWINNING = "twinning", _("Twinning")
    FRIENDSHIP = "friendship", _("Friendship pact")
    COOPERATION = "cooperation", _("Cooperation or collaboration agreement")
    PROTOCOL = "protocol", _("Protocol of understanding")


class RelationState(models.TextChoices):
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    ENDED = "ended", _("Ended")


class RatifyingBody(models.TextChoices):
    NONE = "", _("Not ratified")
    GIUNTA = "giunta", _("City Executive (Giunta)")
    CONSIGLIO = "consiglio", _("City Council (Consiglio)")


class CityRelationQuerySet(models.QuerySet):
    def active(self) -> CityRelationQuerySet:
        return self.filter(state=RelationState.ACTIVE)


@text_integrity
class CityRelation(Timestamped):
    """One relation with a partner city: a twinning, a friendship pact, an
    agreement. A city can have several over time."""

    city = models.ForeignKey(
        PartnerCity, verbose_name=_("partner city"), on_delete=models.CASCADE, related_name="relations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RelationKind.choices)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_precision = models.CharField(
        _("precision of the signing date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ratified_by = models.CharField(
        _("ratified by"), max_length=20, choices=RatifyingBody.choices, blank=True, default=RatifyingBody.NONE
    )
    ratified_on = models.DateField(_("ratified on"), null=True, blank=True)
    deliberation_ref = models.CharField(_("deliberation reference"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=RelationState.choices, default=RelationState.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    agreement = models.ForeignKey(
        "Agreement",
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="city_relations",
        help_text=_("The signed text, when it is in the registry."),
    )
    notes = models.TextField(
        _("notes"), max_length=4000, blank=True, help_text=_("For example, why a date is uncertain.")
    )

    objects = CityRelationQuerySet.as_manager()
    # Raised by every save through the services; a form carries the value it
    # was built from, so an edit made on an old version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("city relation")
        verbose_name_plural = _("city relations")
        ordering = ["city__name_it", "signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(ended_on__gte=models.F("signed_on")),
                name="partners_relation_end_after_signing",
                violation_error_message=_("A relation cannot end before it was signed."),
            ),
            models.CheckConstraint(
                condition=models.Q(ratified_on__isnull=True) | ~models.Q(ratified_by=""),
                name="partners_relation_ratified_date_has_body",
                violation_error_message=_("A ratification date needs the ratifying body."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state="ended") | models.Q(ended_on__isnull=False) | models.Q(notes__gt=""),
                name="partners_relation_ended_has_date_or_note",
                violation_error_message=_("An ended relation needs its end date, or a note explaining it."),
            ),
        ]

    def __str__(self) -> str:
        year = f" {self.signed_on:%Y}" if self.signed_on else ""
        return f"{self.get_kind_display()}{year} – {self.city}"


# --- Organisations ------------------------------------------------------------
class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    COMMITTEE = "committee", _("Committee or network of NGOs")
    TERRITORIAL = "territorial", _("Territorial authority")
    CITY_OWNED = "city_owned", _("City-owned company or body")
    HIGHER_TRAINING = "higher_training", _("Higher-training institute")
    UNIVERSITY = "university", _("University or university department")
    MISSIONARY = "missionary", _("Missionary institute")
    INTERNATIONAL = "international", _("International organisation")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class ProfitKind(models.TextChoices):
    NONE = "", _("Not applicable")
    PROFIT = "profit", _("PROFIT")
    NON_PROFIT = "non_profit", _("NO PROFIT")


# IATI OrganisationType codes, as DOMAIN.md maps them.
IATI_ORGANISATION_TYPE = {
    OrganisationKind.NGO: "22",
    OrganisationKind.COMMITTEE: "22",
    OrganisationKind.TERRITORIAL: "11",
    OrganisationKind.HIGHER_TRAINING: "80",
    OrganisationKind.UNIVERSITY: "80",
    OrganisationKind.MISSIONARY: "90",
    OrganisationKind.INTERNATIONAL: "40",
    OrganisationKind.COMPANY: "70",
    OrganisationKind.OTHER: "90",
}


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind: str) -> OrganisationQuerySet:
        return self.filter(kind=kind)

    def committees(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.COMMITTEE)


@text_integrity
class Organisation(Timestamped):
    """A partner organisation: an NGO, a committee, a city-owned body, a
    university, a territorial authority..."""

    uid = models.UUIDField(_("stable identifier"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    profit_kind = models.CharField(
        _("profit kind"),
        max_length=20,
        choices=ProfitKind.choices,
        blank=True,
        default=ProfitKind.NONE,
        help_text=_("PROFIT or NO PROFIT; only for city-owned companies and bodies."),
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    city = models.ForeignKey(
        PartnerCity,
        verbose_name=_("partner city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("For an organisation based in a partner city."),
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    description_it = models.TextField(_("description (Italian)"), max_length=4000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=4000, blank=True)
    iati_ref = models.CharField(
        _("IATI organisation identifier"), max_length=100, blank=True, help_text=_("For example IT-CF-97511340015.")
    )
    members = models.ManyToManyField(
        "self",
        through="CommitteeMembership",
        through_fields=("committee", "member"),
        symmetrical=False,
        related_name="committees",
        verbose_name=_("members"),
        blank=True,
    )

    objects = OrganisationQuerySet.as_manager()
    # Raised by every save through the services; a form carries the value it
    # was built from, so an edit made on an old version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="partners_organisation_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind="city_owned", profit_kind__in=["profit", "non_profit"])
                | (~models.Q(kind="city_owned") & models.Q(profit_kind="")),
                name="partners_organisation_profit_kind_for_city_owned",
                violation_error_message=_("City-owned bodies are PROFIT or NO PROFIT; other kinds are neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:organisation_detail", args=[self.pk])

    @property
    def iati_type(self) -> str:
        if self.kind == OrganisationKind.CITY_OWNED:
            return "71" if self.profit_kind == ProfitKind.PROFIT else "15"
        return IATI_ORGANISATION_TYPE[OrganisationKind(self.kind)]


@text_integrity
class CommitteeMembership(Timestamped):
    """An organisation's membership of a committee or network, with the year
    it joined (for example the NGOs of the Comitato Cittadella delle Civiltà)."""

    committee = models.ForeignKey(
        Organisation, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        Organisation, verbose_name=_("member"), on_delete=models.CASCADE, related_name="committee_memberships"
    )
    joined_year = models.PositiveSmallIntegerField(
        _("year joined"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    left_year = models.PositiveSmallIntegerField(
        _("year left"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )

    # Raised by every save through the services; a form carries the value it
    # was built from, so an edit made on an old version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee__name", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "member"], name="partners_membership_unique"),
            models.CheckConstraint(
                condition=~models.Q(committee=models.F("member")),
                name="partners_membership_not_self",
                violation_error_message=_("A committee cannot be its own member."),
            ),
            models.CheckConstraint(
                condition=models.Q(joined_year__isnull=True) | models.Q(joined_year__gte=1900, joined_year__lte=2100),
                name="partners_membership_joined_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(left_year__isnull=True)
                | models.Q(joined_year__isnull=True)
                | models.Q(left_year__gte=models.F("joined_year")),
                name="partners_membership_years_ordered",
                violation_error_message=_("The year left cannot come before the year joined."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ∈ {self.committee}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.committee_id and self.committee.kind != OrganisationKind.COMMITTEE:
            raise ValidationError({"committee": _("Only a committee or network can have members.")})


# --- Agreements ---------------------------------------------------------------
class AgreementKind(models.TextChoices):
    CONVENTION = "convention", _("Convention")
    AGREEMENT = "agreement", _("Agreement")
    PROTOCOL = "protocol", _("Protocol of understanding")
    MEMORANDUM = "memorandum", _("Memorandum of understanding")


class AgreementQuerySet(models.QuerySet):
    def in_force(self, on=None) -> AgreementQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day)).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )


@text_integrity
class Agreement(Timestamped):
    """A convention, agreement or protocol the City signed, with its parties,
    term, approving deliberation and documents."""

    uid = models.UUIDField(_("stable identifier"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_it = models.TextField(_("summary (Italian)"), max_length=4000, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=4000, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_precision = models.CharField(
        _("precision of the signing date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    deliberation_ref = models.CharField(
        _("approving deliberation"), max_length=100, blank=True, help_text=_("For example: D.G.C. n. 2004 01234/049.")
    )
    deliberation_on = models.DateField(_("deliberation date"), null=True, blank=True)
    lead_department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)

    objects = AgreementQuerySet.as_manager()
    # Raised by every save through the services; a form carries the value it
    # was built from, so an edit made on an old version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title_it"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="partners_agreement_term_ordered",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "it").startswith("en") and self.title_en:
            return self.title_en
        return self.title_it

    def get_absolute_url(self) -> str:
        return reverse("partners:agreement_detail", args=[self.pk])


@text_integrity
class AgreementParty(Timestamped):
    """A party to an agreement besides the City itself: an organisation or a
    partner city (exactly one of the two)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
    )
    city = models.ForeignKey(
        PartnerCity,
        verbose_name=_("partner city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
    )
    signatory = models.CharField(
        _("signed for the party by"), max_length=200, blank=True, help_text=_("Office, not a private person.")
    )

    history = history()

    class Meta:
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        ordering = ["agreement", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, city__isnull=True)
                | models.Q(organisation__isnull=True, city__isnull=False),
                name="partners_party_exactly_one",
                violation_error_message=_("A party is either an organisation or a partner city."),
            ),
            models.UniqueConstraint(fields=["agreement", "organisation"], name="partners_party_unique_organisation"),
            models.UniqueConstraint(fields=["agreement", "city"], name="partners_party_unique_city"),
        ]

    def __str__(self) -> str:
        return str(self.organisation or self.city)


def agreement_document_path(instance: AgreementDocument, filename: str) -> str:
    return f"agreements/{instance.agreement.uid}/{filename}"


@text_integrity
class AgreementDocument(Timestamped):
    """A document of an agreement: the signed text, an annex, a translation."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=agreement_document_path, max_length=500)
    language = models.CharField(_("language"), max_length=10, blank=True)

    history = history()

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["agreement", "title"]

    def __str__(self) -> str:
        return self.title


# --- Contact persons ------------------------------------------------------------
@text_integrity
class ContactPerson(Timestamped):
    """A person to contact at a partner. Personal data under the GDPR: only
    work details are kept, never shown publicly, and can be exported or
    erased on request."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    city = models.ForeignKey(
        PartnerCity,
        verbose_name=_("partner city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    email = models.EmailField(_("work email"), max_length=254, blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    last_confirmed_on = models.DateField(
        _("last confirmed on"),
        null=True,
        blank=True,
        help_text=_("When the person last confirmed these details; drives the retention period."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Raised by every save through the services; a form carries the value it
    # was built from, so an edit made on an old version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("partners:contact_detail", args=[self.pk])
