from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The staff workspace: sign-in, the dashboard and, later, the editing
    screens departments and the coordinator use instead of the admin."""

    name = "relint.workspace"
    label = "workspace"
    verbose_name = _("Staff workspace")
