"""The publication generation: one counter that every change to what the
public sees moves forward, so that cached public pages are keyed on it and
can never be served stale (relint/portal/cache.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationGeneration(models.Model):
    """One row (pk 1). Bumped in the same transaction as the change it
    announces, by the services (relint/portal/publication.py).

    It keeps no history: it is a counter, not content, and a history row per
    bump would double every write.
    """

    value = models.BigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("publication generation")
        verbose_name_plural = _("publication generations")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="portal_generation_not_negative")]

    def __str__(self) -> str:
        return str(self.value)
