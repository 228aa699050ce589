"""Admin of the shared reference data, and the helpers every app's admin uses.

The admin is the staff's stopgap until the workspace covers everything: each
changelist runs a fixed number of queries however many rows it pages through
(foreign keys are joined, counts are annotated), and row-level access is
decided by `relint.departments.permissions`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, IntegerField, Model, OuterRef, Subquery, URLField
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
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


class StaleRecordError(Exception):
    """A record's version moved between the admin form's check and the save."""


class VersionedAdminForm(forms.ModelForm):
    """An admin form for a model with a `version` column (activities, the
    partner registry), carrying the version it was loaded with.

    Saving compares it with the row's version: if someone saved in between,
    in the admin or the workspace, the save is refused instead of silently
    overwriting their work; and the save raises the version, so a workspace
    form opened before it gets its conflict page.
    """

    stale_message = _(
        "Someone else saved this record after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again."
    )
    # No Meta: the admin builds the form for its model (`ModelAdmin.get_form`).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        # `self.instance` was read from the database for this request; a
        # missing version counts as stale too.
        if self.instance.pk is not None and cleaned_data.get("loaded_version") != self.instance.version:
            raise ValidationError(self.stale_message, code="stale")
        return cleaned_data


def _has_version(model) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


class HistoryAdmin(SimpleHistoryAdmin):
    """`SimpleHistoryAdmin`: the "History" button on every change page.

    simple_history's page for one past version saves the form it is posted
    without asking for the change permission, so a user who may only view
    could revert a record; here reverting needs the same permission as
    changing the current record.
    """

    # A versioned record is reverted in the workspace, through its service
    # and version guard (and, for an activity, the review workflow); the
    # admin's history stays readable.
    def revert_disabled(self, request, obj=None):
        return issubclass(self.form, VersionedAdminForm) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            if issubclass(self.form, VersionedAdminForm):
                raise PermissionDenied
            current = self.get_object(request, unquote(object_id))
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # A read-only page shows every field as text; the version a form
        # would carry back is no field of the model.
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field != "loaded_version"]})
            for name, options in fieldsets
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleRecordError:
            # Raised inside the view's transaction, which is rolled back:
            # nothing of this submission was saved.
            self.message_user(request, self.form.stale_message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # The admin writes past the services, so it announces its changes to the
    # public caches itself (relint/portal/cache.py), in the same transaction.
    def save_model(self, request, obj, form, change):
        if change and isinstance(form, VersionedAdminForm):
            loaded_version = form.cleaned_data["loaded_version"]
            # The form already compared versions; this guarded update closes
            # the window between that check and the save. Of two concurrent
            # saves the database lets one through: the other's UPDATE waits
            # for the row lock and then matches nothing.
            current = type(obj)._default_manager.filter(pk=obj.pk, version=loaded_version)
            bumped = current.update(version=F("version") + 1)
            if not bumped:
                raise StaleRecordError
            obj.version = loaded_version + 1
        super().save_model(request, obj, form, change)
        publication_bump()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        publication_bump()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Inline rows of a versioned model (a city's relations, a committee's
        # members) carry no version field; raising it after the save makes a
        # workspace form opened before this edit get its conflict page.
        changed = [obj.pk for obj, _fields in formset.changed_objects]
        if changed and _has_version(formset.model):
            formset.model._default_manager.filter(pk__in=changed).update(version=F("version") + 1)

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
