"""`{% request_key_field %}`: the hidden field that makes a create form
idempotent (see relint.ops.idempotency)."""

import uuid

from django import template
from django.utils.html import format_html

register = template.Library()

FIELD_NAME = "request_key"


@register.simple_tag
def request_key_field() -> str:
    """A fresh key per rendered form: resubmitting the same page reuses it,
    opening the form again gives a new one."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, uuid.uuid4())
