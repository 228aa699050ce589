from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "relint.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from relint.ops import audit, middleware

        # The audit log listens to Django's and axes' sign-in signals; the
        # session time-out starts at sign-in.
        audit.connect_signals()
        user_logged_in.connect(middleware.mark_session_start, dispatch_uid="relint.ops.session_start")
