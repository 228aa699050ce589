"""Views of the staff workspace: the account pages and the dashboard.

The account pages are Django's own views with relint's templates and URL
namespace (`account:`); the dashboard is a plain function view.
"""

from __future__ import annotations

import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from relint.coordination import selectors as coordination_selectors
from relint.departments import permissions
from relint.workspace import forms, selectors


# --- Account ----------------------------------------------------------------
def locked_out(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    """The page shown when django-axes has suspended sign-in for a username
    from an address.

    Named by `AXES_LOCKOUT_CALLABLE`, so axes renders it for every lockout,
    the admin's sign-in included.
    """
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires), then back to the sign-in page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("account:password_reset_done")

    def form_valid(self, form):
        # The link in the email uses the scheme this request came in on
        # (behind a proxy, SECURE_PROXY_SSL_HEADER makes that https).
        self.use_https = self.request.is_secure()
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("account:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# --- Dashboard --------------------------------------------------------------
@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The first page after sign-in.

    The coordinator sees the round's completeness per department
    (`workspace/dashboard_coordinator.html`); an editor or viewer sees their
    departments' activities and what is left to do
    (`workspace/dashboard_department.html`); anyone else is told to ask for a
    role (403, `workspace/no_role.html`).
    """
    user = request.user
    if permissions.is_coordinator(user):
        overview = selectors.coordinator_overview()
        return render(
            request,
            "workspace/dashboard_coordinator.html",
            {"overview": overview, "requirements": selectors.REQUIRED_FOR_SUBMISSION},
        )
    if permissions.readable_department_ids(user):
        dashboard = selectors.department_dashboard(user)
        return render(
            request,
            "workspace/dashboard_department.html",
            {
                "dashboard": dashboard,
                "requirements": selectors.REQUIRED_FOR_SUBMISSION,
                # The coordination table's open actions of the user's departments.
                "open_actions": coordination_selectors.open_actions_for_dashboard(user),
            },
        )
    return render(request, "workspace/no_role.html", status=403)
