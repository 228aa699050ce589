"""The import log in the administration, read-only."""

from django.contrib import admin

from relint.exchange.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("filename", "user", "created_at", "state", "committed_at")
    list_filter = ("state", "file_format")
    search_fields = ("filename", "sha256", "user__username")
    exclude = ("content",)
    readonly_fields = [f.name for f in ImportRun._meta.fields if f.name != "content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
