"""Forms of the staff workspace, dressed for bootstrap-italia.

The account forms are Django's own; the mixin only adds the CSS classes
bootstrap-italia expects. Django 5.2 already links help texts and errors to
their inputs with `aria-describedby` and marks invalid inputs `aria-invalid`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms


class BootstrapItaliaMixin:
    """Give every input bootstrap-italia's class, and `is-invalid` when it
    has an error."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for bound_field in self.fields.values():
            widget = bound_field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class LoginForm(BootstrapItaliaMixin, auth_forms.AuthenticationForm):
    pass


class PasswordChangeForm(BootstrapItaliaMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(BootstrapItaliaMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(BootstrapItaliaMixin, auth_forms.SetPasswordForm):
    pass
