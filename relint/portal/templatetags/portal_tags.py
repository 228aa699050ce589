"""Template helpers of the public portal: dates by their precision, euro
amounts, and the settings its footer links to."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import formats

from relint.core.models import DatePrecision

register = template.Library()


@register.simple_tag
def precise_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date shown as much as the sources know it: "1986", "March 2003"
    (marzo 2003) or "12 March 2003" (12 marzo 2003), in the active language."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def euro(amount: Decimal | None) -> str:
    """An amount in EUR with the active language's separators (€ 1.234,50)."""
    if amount is None:
        return ""
    return "€\u00a0" + formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


@register.simple_tag
def accessibility_statement_url() -> str:
    return settings.RELINT_ACCESSIBILITY_STATEMENT_URL
