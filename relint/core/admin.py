"""Admin of the shared reference data, and the helpers every app's admin uses.

The admin is the staff's stopgap until the workspace covers everything: each
changelist runs a fixed number of queries however many rows it pages through
(foreign keys are joined, counts are annotated), and row-level access is
decided by `relint.departments.permissions`.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Model, OuterRef, Subquery, URLField
from django.db.models.functions import Coalesce
from simple_history.admin import SimpleHistoryAdmin

from relint.core.models import Country
from relint.portal.publication import publication_bump

# Addresses typed without a scheme are taken as https (Django 6's default).
URL_FIELD_OVERRIDES = {URLField: {"assume_scheme": "https"}}


def count_of(model: type[Model], fk: str, **filters) -> Coalesce:
    """An annotation: how many rows of `model` point at the outer row through `fk`.

    A correlated subquery rather than `Count()` over a join, so that several
    counts on one changelist do not multiply each other's rows.
    """
    counted = (
        model._default_manager.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class HistoryAdmin(SimpleHistoryAdmin):
    """`SimpleHistoryAdmin`: the "History" button on every change page.

    simple_history's page for one past version saves the form it is posted
    without asking for the change permission, so a user who may only view
    could revert a record; here reverting needs the same permission as
    changing the current record.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    # The admin writes past the services, so it announces its changes to the
    # public caches itself (relint/portal/cache.py), in the same transaction.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        publication_bump()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        publication_bump()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        publication_bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        publication_bump()


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("iso2", "iso3", "name_it", "name_en", "continent")
    list_filter = ("continent",)
    search_fields = ("iso2", "iso3", "name_it", "name_en")
    ordering = ("name_it",)
