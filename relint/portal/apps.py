from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public, read-only site: partner cities and their map,
    organisations, activities, the coordination table and the annual reports."""

    name = "relint.portal"
    label = "portal"
    verbose_name = _("Public portal")
