"""Forms of the report workspace: the foreword and a build request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relint.reports.models import Language, ReportForeword


class ForewordForm(forms.ModelForm):
    class Meta:
        model = ReportForeword
        fields = ("text_it", "text_en", "signed_by")
        widgets = {
            "text_it": forms.Textarea(attrs={"rows": 8}),
            "text_en": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"text_en": _("When empty, the English edition prints the Italian text, marked [IT].")}


class BuildForm(forms.Form):
    language = forms.ChoiceField(label=_("Edition"), choices=Language.choices)
