"""Template helpers of the partner registry: dates shown with the precision
the sources give, and the registry's permission rules for the navigation."""

from __future__ import annotations

import datetime

from django import template
from django.utils.formats import date_format

from relint.core.models import DatePrecision
from relint.departments import permissions

register = template.Library()


@register.filter
def precise_date(value: datetime.date | None, precision: str) -> str:
    """The date as far as it is known: "1986", "marzo 2003" or "12 marzo
    2003", in the active language's format."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


@register.filter
def can_view_partners(user) -> bool:
    return permissions.can_view_partners(user)
