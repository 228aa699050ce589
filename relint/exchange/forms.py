"""Forms of the import pages: the upload and the export's choices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relint.activities.models import MAX_YEAR, MIN_YEAR
from relint.departments import permissions
from relint.departments.models import Department
from relint.exchange.reading import limit


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook or CSV file"),
        help_text=_("An .xlsx workbook (the template, or an export edited) or a .csv file."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limit("MAX_UPLOAD_BYTES"):
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.") % {"limit": limit("MAX_UPLOAD_BYTES") // (1024 * 1024)}
            )
        return upload


class ExportForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("All my departments")
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False, help_text=_("Empty for every year.")
    )
    language = forms.ChoiceField(label=_("Language of the headers"), choices=[("it", "Italiano"), ("en", "English")])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("table_order", "code")
        if not permissions.is_coordinator(user):
            departments = departments.filter(pk__in=permissions.readable_department_ids(user))
        self.fields["department"].queryset = departments
