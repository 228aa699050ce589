"""`{{ widget|select_options }}`: a select's options written in Python.

Django's select template includes two templates for every option; a form
with several lists of hundreds of options (the activity form's
organisations and countries, in every formset row) spent most of its
rendering time there. This writes the same markup, character for
character, without the template engine (tests/test_ops_load.py compares the
two).
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from relint.core.widgets import OptionGroups

register = template.Library()


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False drops the attribute, True
    # writes it bare, anything else is escaped.
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


@register.filter
def select_options(widget: dict) -> SafeString:
    groups = widget["optgroups"]
    if getattr(groups, "html", None) is not None:
        return groups.html  # rows sharing their options (relint/core/widgets.py)
    parts = []
    # Django's select_option.html ends with a newline, hence one after each option.
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    html = mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
    if isinstance(groups, OptionGroups):
        groups.html = html
    return html
