"""The request keys that make a create request idempotent."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relint.core.integrity import text_integrity


@text_integrity
class RequestKey(models.Model):
    """One create request, named by the key its form carried.

    The unique key is what makes 20 identical submissions (a double click,
    a retried request, a reloaded page) create one record: the first claims
    the key, the others find it and get the same record back.
    """

    key = models.UUIDField(_("request key"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    object_pk = models.CharField(_("object id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("request key")
        verbose_name_plural = _("request keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.key)

    def target(self):
        return apps.get_model(self.model)._default_manager.get(pk=self.object_pk)
