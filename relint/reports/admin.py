"""Admin of the annual report: the yearly forewords and the archive of builds."""

from django.contrib import admin

from relint.core.admin import HistoryAdmin
from relint.reports.models import AnnualReport, ReportForeword, ReportState


@admin.register(ReportForeword)
class ReportForewordAdmin(HistoryAdmin):
    list_display = ("year", "signed_by", "updated_at")
    search_fields = ("year", "signed_by", "text_it", "text_en")
    ordering = ("-year",)


@admin.register(AnnualReport)
class AnnualReportAdmin(HistoryAdmin):
    list_display = ("year", "language", "state", "page_count", "size", "built_by", "built_at", "published_at")
    list_filter = ("state", "language", "year")
    list_select_related = ("built_by", "published_by")
    search_fields = ("year", "sha256")
    ordering = ("-year", "language", "-created_at")
    date_hierarchy = "created_at"
    # What the build itself produced is not edited by hand.
    readonly_fields = (
        "sha256",
        "size",
        "page_count",
        "counts",
        "built_by",
        "built_at",
        "published_at",
        "published_by",
        "error",
        "progress",
        "stage",
        "created_at",
        "updated_at",
    )

    # A published build never changes, and stays in the archive.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state == ReportState.PUBLISHED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state == ReportState.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)
