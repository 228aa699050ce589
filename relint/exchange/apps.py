from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Spreadsheet import and export: templates, dry runs, confirmed imports
    and the filled workbooks departments edit and send back."""

    name = "relint.exchange"
    label = "exchange"
    verbose_name = _("Import and export")
