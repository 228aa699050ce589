"""Template helpers of the activity pages and the navigation."""

from __future__ import annotations

from django import template

from relint.departments import permissions

register = template.Library()


@register.simple_tag
def roles_of(user) -> permissions.UserRoles:
    """The user's workspace roles (cached for the request), for the
    navigation links."""
    return permissions.roles_of(user)
