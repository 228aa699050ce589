"""Select lists shared by the rows of a formset.

The activity form repeats its organisation, programme and funder lists in
every partner and funding row and in the empty row its script copies: at
10,000 activities and their organisations, thousands of options a page. The
rows read their choices once (`SharedChoices`), and a `SharedOptionsSelect`
builds and writes the options once for each selected value; every other row
with that value (in practice: every empty row) reuses them. The markup is
the same as the plain select's (tests/test_ops_load.py).
"""

from __future__ import annotations

from django import forms
from django.utils.choices import BaseChoiceIterator


class SharedChoices(BaseChoiceIterator):
    """Choices read once and given to every row. Setting a field's choices
    normalises them option by option (an import statement per option, a
    fifth of the edit form's time), except for a choice iterator, which
    Django leaves as it is."""

    def __init__(self, choices: list) -> None:
        self.choices = choices
        # Selected values -> the option groups built for them.
        self.groups: dict[tuple, OptionGroups] = {}

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


class OptionGroups(list):
    """A select's option groups, with the options' markup once written
    (`relint.core.templatetags.core_widgets.select_options`)."""

    html: str | None = None


class SharedOptionsSelect(forms.Select):
    def optgroups(self, name, value, attrs=None):
        if not isinstance(self.choices, SharedChoices):
            return super().optgroups(name, value, attrs)
        # A select's options carry no per-row attribute (no id, and the
        # name is the select's), so rows with the same value share them.
        key = tuple(value)
        groups = self.choices.groups.get(key)
        if groups is None:
            groups = self.choices.groups[key] = OptionGroups(super().optgroups(name, value, attrs))
        return groups
