"""Admin of activities, their partners, funding, links and attachments, the
reporting rounds and the review trail.

Editors and viewers see only their departments' activities, and editors
change only what `relint.departments.permissions` allows; the coordinator
sees everything. Rows that belong to an activity (partners, funding, links,
attachments) are edited on the activity's page, so that every change raises
the activity's version; their own changelists are read-only listings.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from relint.activities import services
from relint.activities.models import (
    Activity,
    ActivityAttachment,
    ActivityLink,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    FundingLine,
    FundingProgramme,
    ReportingRound,
    ReviewEvent,
    SustainableDevelopmentGoal,
)
from relint.core.admin import URL_FIELD_OVERRIDES, HistoryAdmin, VersionedAdminForm, count_of
from relint.departments import permissions
from relint.departments.models import Department


# --- Reference data ----------------------------------------------------------------
@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(admin.ModelAdmin):
    list_display = ("number", "name_it", "name_en", "activity_count")
    list_display_links = ("number", "name_it")
    search_fields = ("name_it", "name_en")
    ordering = ("number",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(activity_count=count_of(Activity.sdgs.through, "sustainabledevelopmentgoal"))
        )

    @admin.display(description=Activity._meta.verbose_name_plural, ordering="activity_count")
    def activity_count(self, goal: SustainableDevelopmentGoal) -> int:
        return goal.activity_count


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(HistoryAdmin):
    list_display = ("name_it", "code", "level", "period", "activity_count")
    list_filter = ("level",)
    search_fields = ("code", "name_it", "name_en", "period")
    ordering = ("level", "name_it")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(activity_count=count_of(Activity, "programme"))

    @admin.display(description=Activity._meta.verbose_name_plural, ordering="activity_count")
    def activity_count(self, programme: FundingProgramme) -> int:
        return programme.activity_count


# --- Rows that belong to an activity -------------------------------------------------
class ActivityRowMixin:
    """For inlines and admins of rows that belong to an activity: only the
    rows of activities the user may see, changed only where the user may
    change the activity."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if permissions.is_coordinator(request.user):
            return qs
        return qs.filter(activity__in=permissions.visible_activities(request.user))


class ActivityInlineMixin(ActivityRowMixin):
    extra = 0

    # In an inline, `obj` is the activity being edited (None on the add page).
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (
            obj is None or permissions.can_edit_activity(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or permissions.can_edit_activity(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or permissions.can_edit_activity(request.user, obj)
        )


class ActivityPartnerCityInline(ActivityInlineMixin, admin.TabularInline):
    model = ActivityPartnerCity
    fields = ("city", "role")
    autocomplete_fields = ("city",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city")


class ActivityPartnerOrganisationInline(ActivityInlineMixin, admin.TabularInline):
    model = ActivityPartnerOrganisation
    fields = ("organisation", "role")
    autocomplete_fields = ("organisation",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class FundingLineInline(ActivityInlineMixin, admin.TabularInline):
    model = FundingLine
    fields = ("source", "programme", "funder", "amount", "note")
    autocomplete_fields = ("funder",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("programme", "funder")


class ActivityLinkInline(ActivityInlineMixin, admin.TabularInline):
    model = ActivityLink
    fields = ("url", "label")
    formfield_overrides = URL_FIELD_OVERRIDES


class ActivityAttachmentInline(ActivityInlineMixin, admin.TabularInline):
    model = ActivityAttachment
    fields = ("title", "file", "content_type", "size", "uploaded_by")
    readonly_fields = ("content_type", "size", "uploaded_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class ReviewEventInline(ActivityRowMixin, admin.TabularInline):
    """The review trail: written by the review workflow, never edited."""

    model = ReviewEvent
    fields = ("at", "from_state", "to_state", "actor", "comment", "activity_version")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Activities ---------------------------------------------------------------------------
class ActivityAdminForm(VersionedAdminForm):
    """The activity form, carrying the version it was loaded with (see
    `VersionedAdminForm`)."""

    stale_message = _(
        "Someone else saved this activity after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again."
    )


@admin.register(Activity)
class ActivityAdmin(HistoryAdmin):
    form = ActivityAdminForm
    list_display = (
        "title_it",
        "year",
        "kind",
        "lead_department",
        "participating",
        "partner_city_count",
        "status",
        "review_state",
        "is_public",
        "version",
        "updated_at",
    )
    list_filter = (
        "year",
        "review_state",
        "status",
        "kind",
        ("lead_department", admin.RelatedOnlyFieldListFilter),
        "is_public",
        "programme",
    )
    list_select_related = ("lead_department",)
    search_fields = (
        "title_it",
        "title_en",
        "description_it",
        "description_en",
        "lead_department__name_it",
        "lead_department__code",
        "partner_cities__name_it",
        "partner_cities__name_en",
        "partner_organisations__name",
        "partner_organisations__acronym",
    )
    ordering = ("-year", "lead_department__table_order", "title_it")
    autocomplete_fields = ("countries", "copied_from", "programme")
    filter_horizontal = ("departments", "sdgs")
    inlines = (
        ActivityPartnerCityInline,
        ActivityPartnerOrganisationInline,
        FundingLineInline,
        ActivityLinkInline,
        ActivityAttachmentInline,
        ReviewEventInline,
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "loaded_version",
                    ("year", "kind"),
                    "title_it",
                    "title_en",
                    ("lead_department", "status"),
                    "departments",
                )
            },
        ),
        (
            _("Description"),
            {"fields": ("description_it", "description_en", "results_it", "results_en")},
        ),
        (
            _("Dates and places"),
            {
                "fields": (
                    ("start_date", "start_precision"),
                    ("end_date", "end_precision"),
                    "countries",
                )
            },
        ),
        (
            _("Funding and classification"),
            {"fields": ("programme", "sdgs", "dac_sector", "iati_publish", "is_public", "copied_from")},
        ),
        (
            _("Review"),
            {"fields": ("review_state", "review_comment", "accepted_snapshot")},
        ),
        (
            _("Record"),
            {
                "classes": ("collapse",),
                "fields": ("uid", "version", "created_by", "created_at", "updated_at"),
            },
        ),
    )
    # The review state moves only through the workflow services (the actions
    # below), which record who did what and keep the accepted snapshot.
    readonly_fields = (
        "uid",
        "version",
        "review_state",
        "review_comment",
        "accepted_snapshot",
        "created_by",
        "created_at",
        "updated_at",
    )
    actions = ("submit_selected", "accept_selected")

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(partner_city_count=count_of(ActivityPartnerCity, "activity"))
            .prefetch_related("departments")
        )
        return permissions.visible_activities(request.user, qs)

    def _apply(self, request, queryset, service, done_message) -> None:
        done, refused = 0, []
        for activity in queryset:
            try:
                service(user=request.user, activity=activity)
            except (ValidationError, PermissionDenied) as error:
                reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                refused.append(f"{activity.title_it}: {reason}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Submit the selected activities for review"))
    def submit_selected(self, request, queryset):
        self._apply(request, queryset, services.activity_submit, _("%(count)d activities submitted."))

    @admin.action(description=_("Accept the selected activities"))
    def accept_selected(self, request, queryset):
        self._apply(request, queryset, services.activity_accept, _("%(count)d activities accepted."))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if db_field.name == "lead_department" and not permissions.is_coordinator(user):
            kwargs["queryset"] = Department.objects.filter(pk__in=permissions.editable_department_ids(user))
        elif db_field.name == "copied_from":
            kwargs["queryset"] = permissions.visible_activities(user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_add_activity(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or permissions.can_view_activity(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or permissions.can_edit_activity(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or permissions.can_edit_activity(request.user, obj)
        )

    @admin.display(description=Activity._meta.get_field("departments").verbose_name)
    def participating(self, activity: Activity) -> str:
        return ", ".join(department.code for department in activity.departments.all())

    @admin.display(description=Activity._meta.get_field("partner_cities").verbose_name, ordering="partner_city_count")
    def partner_city_count(self, activity: Activity) -> int:
        return activity.partner_city_count

    # --- Saving, guarded by the version -----------------------------------------------
    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, ActivityAttachment):
                if instance.pk is None:
                    instance.uploaded_by = request.user
                upload = instance.file.file if instance.file and not instance.file._committed else None
                if upload is not None:
                    instance.size = upload.size
                    instance.content_type = (getattr(upload, "content_type", "") or "")[:100]
            instance.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()


# --- Read-only listings of an activity's rows -----------------------------------------
class ActivityRowAdmin(ActivityRowMixin, HistoryAdmin):
    """A listing across activities (all funding lines, all links...), for
    looking up and checking. The rows are edited on their activity's page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or permissions.can_view_activity(request.user, obj.activity)
        )


@admin.register(ActivityPartnerCity)
class ActivityPartnerCityAdmin(ActivityRowAdmin):
    list_display = ("city", "role", "activity")
    list_filter = ("role", ("city", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("city", "activity")
    search_fields = ("city__name_it", "city__name_en", "activity__title_it")
    ordering = ("city__name_it", "activity__title_it")


@admin.register(ActivityPartnerOrganisation)
class ActivityPartnerOrganisationAdmin(ActivityRowAdmin):
    list_display = ("organisation", "role", "activity")
    list_filter = ("role", ("organisation", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organisation", "activity")
    search_fields = ("organisation__name", "organisation__acronym", "activity__title_it")
    ordering = ("organisation__name", "activity__title_it")


@admin.register(FundingLine)
class FundingLineAdmin(ActivityRowAdmin):
    list_display = ("activity", "source", "programme", "funder", "amount", "note")
    list_filter = ("source", "programme", "activity__year")
    list_select_related = ("activity", "programme", "funder")
    search_fields = ("activity__title_it", "funder__name", "funder__acronym", "note")
    ordering = ("activity__title_it", "-amount")


@admin.register(ActivityLink)
class ActivityLinkAdmin(ActivityRowAdmin):
    list_display = ("__str__", "url", "activity")
    formfield_overrides = URL_FIELD_OVERRIDES
    list_select_related = ("activity",)
    search_fields = ("url", "label", "activity__title_it")
    ordering = ("activity__title_it", "pk")


@admin.register(ActivityAttachment)
class ActivityAttachmentAdmin(ActivityRowAdmin):
    list_display = ("title", "activity", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("content_type",)
    list_select_related = ("activity", "uploaded_by")
    search_fields = ("title", "activity__title_it")
    ordering = ("activity__title_it", "title")
    date_hierarchy = "created_at"


@admin.register(ReviewEvent)
class ReviewEventAdmin(ActivityRowMixin, admin.ModelAdmin):
    list_display = ("activity", "from_state", "to_state", "actor", "at", "activity_version")
    list_filter = ("to_state", "from_state")
    list_select_related = ("activity", "actor")
    search_fields = ("activity__title_it", "comment", "actor__username", "actor__last_name")
    ordering = ("-at", "-pk")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or permissions.can_view_activity(request.user, obj.activity)
        )


# --- Reporting rounds -----------------------------------------------------------------------
@admin.register(ReportingRound)
class ReportingRoundAdmin(HistoryAdmin):
    list_display = ("year", "state", "deadline", "opened_at", "closed_at")
    list_filter = ("state",)
    search_fields = ("year", "notes")
    ordering = ("-year",)
    date_hierarchy = "deadline"
