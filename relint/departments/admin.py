"""Admin of the City's structure: delegations, departments, their seats at the
coordination table and the staff's roles."""

from django.contrib import admin

from relint.activities.models import Activity
from relint.core.admin import HistoryAdmin, count_of
from relint.departments.models import Delegation, Department, StaffRole, TableMembership


@admin.register(Delegation)
class DelegationAdmin(HistoryAdmin):
    list_display = ("name_it", "name_en", "kind", "holder", "department_count")
    list_filter = ("kind",)
    search_fields = ("name_it", "name_en", "holder")
    ordering = ("kind", "name_it")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(department_count=count_of(Department, "delegation"))

    @admin.display(description=Department._meta.verbose_name_plural, ordering="department_count")
    def department_count(self, delegation: Delegation) -> int:
        return delegation.department_count


class TableMembershipInline(admin.TabularInline):
    model = TableMembership
    fields = ("joined_on", "left_on", "scopes_it", "scopes_en", "delegates")
    autocomplete_fields = ("delegates",)
    extra = 0


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    fk_name = "department"
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = (
        "name_it",
        "code",
        "kind",
        "delegation",
        "table_order",
        "is_active",
        "activity_count",
        "staff_count",
    )
    list_display_links = ("name_it", "code")
    list_filter = ("is_active", "kind", "delegation")
    list_select_related = ("delegation",)
    search_fields = ("code", "name_it", "name_en", "competences_it", "competences_en")
    ordering = ("table_order", "name_it")
    inlines = (TableMembershipInline, StaffRoleInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                activity_count=count_of(Activity, "lead_department"),
                staff_count=count_of(StaffRole, "department"),
            )
        )

    @admin.display(description=Activity._meta.verbose_name_plural, ordering="activity_count")
    def activity_count(self, department: Department) -> int:
        return department.activity_count

    @admin.display(description=StaffRole._meta.verbose_name_plural, ordering="staff_count")
    def staff_count(self, department: Department) -> int:
        return department.staff_count


@admin.register(TableMembership)
class TableMembershipAdmin(HistoryAdmin):
    list_display = ("department", "joined_on", "left_on")
    list_filter = ("department",)
    list_select_related = ("department",)
    search_fields = ("department__name_it", "department__name_en", "department__code", "scopes_it", "scopes_en")
    ordering = ("department__table_order", "-joined_on")
    date_hierarchy = "joined_on"
    autocomplete_fields = ("delegates",)


@admin.register(StaffRole)
class StaffRoleAdmin(HistoryAdmin):
    list_display = ("user", "role", "department")
    list_filter = ("role", "department")
    list_select_related = ("user", "department")
    search_fields = ("user__username", "user__first_name", "user__last_name", "department__name_it", "department__code")
    ordering = ("user__username", "role")
    autocomplete_fields = ("user",)
