"""Template helpers of the import pages."""

from django import template

from relint.exchange.services import can_import as _can_import

register = template.Library()


@register.filter
def can_import(user) -> bool:
    """Whether the import link belongs in the user's navigation."""
    return _can_import(user)
