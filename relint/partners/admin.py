"""Admin of partner cities and their relations, organisations and committees,
agreements and contact persons."""

from django.contrib import admin

from relint.activities.models import Activity, ActivityPartnerCity, ActivityPartnerOrganisation
from relint.core.admin import URL_FIELD_OVERRIDES, HistoryAdmin, VersionedAdminForm, count_of
from relint.partners.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    OrganisationKind,
    PartnerCity,
)


# --- Partner cities -------------------------------------------------------------
class CityRelationInline(admin.StackedInline):
    model = CityRelation
    fields = (
        ("kind", "state"),
        ("signed_on", "signed_precision"),
        ("ratified_by", "ratified_on", "deliberation_ref"),
        ("ended_on", "agreement"),
        "notes",
    )
    autocomplete_fields = ("agreement",)
    extra = 0


@admin.register(PartnerCity)
class PartnerCityAdmin(HistoryAdmin):
    form = VersionedAdminForm
    list_display = ("name_it", "name_en", "country", "region", "relation_count", "activity_count")
    list_filter = (("country", admin.RelatedOnlyFieldListFilter), "relations__kind", "relations__state")
    list_select_related = ("country",)
    search_fields = ("name_it", "name_en", "name_local", "region", "country__name_it", "country__name_en")
    ordering = ("name_it",)
    autocomplete_fields = ("country",)
    readonly_fields = ("uid",)
    inlines = (CityRelationInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                relation_count=count_of(CityRelation, "city"),
                activity_count=count_of(ActivityPartnerCity, "city"),
            )
        )

    @admin.display(description=CityRelation._meta.verbose_name_plural, ordering="relation_count")
    def relation_count(self, city: PartnerCity) -> int:
        return city.relation_count

    @admin.display(description=Activity._meta.verbose_name_plural, ordering="activity_count")
    def activity_count(self, city: PartnerCity) -> int:
        return city.activity_count


@admin.register(CityRelation)
class CityRelationAdmin(HistoryAdmin):
    form = VersionedAdminForm
    list_display = ("city", "kind", "signed_on", "signed_precision", "state", "ratified_by", "ratified_on")
    list_filter = ("kind", "state", "ratified_by", "signed_precision")
    list_select_related = ("city",)
    search_fields = ("city__name_it", "city__name_en", "deliberation_ref", "notes")
    ordering = ("city__name_it", "signed_on")
    date_hierarchy = "signed_on"
    autocomplete_fields = ("city", "agreement")


# --- Organisations ----------------------------------------------------------------
class MemberInline(admin.TabularInline):
    """The members of a committee or network."""

    model = CommitteeMembership
    fk_name = "committee"
    fields = ("member", "joined_year", "left_year")
    autocomplete_fields = ("member",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    form = VersionedAdminForm
    list_display = ("name", "acronym", "kind", "profit_kind", "country", "city", "member_count", "activity_count")
    list_filter = ("kind", "profit_kind", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("country", "city")
    search_fields = ("name", "name_en", "acronym", "iati_ref", "city__name_it")
    ordering = ("name",)
    autocomplete_fields = ("country", "city")
    readonly_fields = ("uid",)
    formfield_overrides = URL_FIELD_OVERRIDES
    inlines = (MemberInline,)

    def get_inlines(self, request, obj):
        # Only committees and networks have members; a new organisation may
        # become one.
        if obj is not None and obj.kind != OrganisationKind.COMMITTEE:
            return ()
        return super().get_inlines(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=count_of(CommitteeMembership, "committee"),
                activity_count=count_of(ActivityPartnerOrganisation, "organisation"),
            )
        )

    @admin.display(description=Organisation._meta.get_field("members").verbose_name, ordering="member_count")
    def member_count(self, organisation: Organisation) -> int:
        return organisation.member_count

    @admin.display(description=Activity._meta.verbose_name_plural, ordering="activity_count")
    def activity_count(self, organisation: Organisation) -> int:
        return organisation.activity_count


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(HistoryAdmin):
    form = VersionedAdminForm
    list_display = ("member", "committee", "joined_year", "left_year")
    list_filter = (("committee", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("committee", "member")
    search_fields = ("committee__name", "committee__acronym", "member__name", "member__acronym")
    ordering = ("committee__name", "member__name")
    autocomplete_fields = ("committee", "member")


# --- Agreements --------------------------------------------------------------------
class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    fields = ("organisation", "city", "signatory")
    autocomplete_fields = ("organisation", "city")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "city")


class AgreementDocumentInline(admin.TabularInline):
    model = AgreementDocument
    fields = ("title", "file", "language")
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
    form = VersionedAdminForm
    list_display = ("title_it", "kind", "signed_on", "valid_from", "valid_until", "lead_department", "party_count")
    list_filter = ("kind", "lead_department", "signed_precision")
    list_select_related = ("lead_department",)
    search_fields = (
        "title_it",
        "title_en",
        "deliberation_ref",
        "parties__organisation__name",
        "parties__organisation__acronym",
        "parties__city__name_it",
    )
    ordering = ("-signed_on", "title_it")
    date_hierarchy = "signed_on"
    readonly_fields = ("uid",)
    inlines = (AgreementPartyInline, AgreementDocumentInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(party_count=count_of(AgreementParty, "agreement"))

    @admin.display(description=AgreementParty._meta.verbose_name_plural, ordering="party_count")
    def party_count(self, agreement: Agreement) -> int:
        return agreement.party_count


@admin.register(AgreementParty)
class AgreementPartyAdmin(HistoryAdmin):
    list_display = ("agreement", "organisation", "city", "signatory")
    list_select_related = ("agreement", "organisation", "city")
    search_fields = ("agreement__title_it", "organisation__name", "organisation__acronym", "city__name_it", "signatory")
    ordering = ("agreement__title_it", "pk")
    autocomplete_fields = ("agreement", "organisation", "city")


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(HistoryAdmin):
    list_display = ("title", "agreement", "language", "created_at")
    list_filter = ("language",)
    list_select_related = ("agreement",)
    search_fields = ("title", "agreement__title_it", "agreement__title_en")
    ordering = ("agreement__title_it", "title")
    date_hierarchy = "created_at"
    autocomplete_fields = ("agreement",)


# --- Contact persons ----------------------------------------------------------------
@admin.register(ContactPerson)
class ContactPersonAdmin(HistoryAdmin):
    form = VersionedAdminForm
    list_display = ("last_name", "first_name", "job_title", "organisation", "city", "email", "last_confirmed_on")
    list_display_links = ("last_name", "first_name")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter), ("city", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organisation", "city")
    search_fields = ("last_name", "first_name", "email", "job_title", "organisation__name", "city__name_it")
    ordering = ("last_name", "first_name")
    autocomplete_fields = ("organisation", "city")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
