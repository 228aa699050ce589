"""Admin of staff accounts, with their roles in the departments."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from relint.accounts.models import User
from relint.core.admin import HistoryAdmin
from relint.departments.models import StaffRole


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    fk_name = "user"
    fields = ("role", "department")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "email", "roles", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "staff_roles__role", "staff_roles__department")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("username",)
    date_hierarchy = "date_joined"
    inlines = (StaffRoleInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("staff_roles__department")

    @admin.display(description=StaffRole._meta.verbose_name_plural)
    def roles(self, user: User) -> str:
        return "; ".join(
            f"{role.get_role_display()} · {role.department}" if role.department_id else role.get_role_display()
            for role in user.staff_roles.all()
        )
