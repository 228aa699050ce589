"""The log of spreadsheet imports: who uploaded which file, what its dry run
found, and whether it was committed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relint.core.integrity import text_integrity


class ImportState(models.TextChoices):
    CHECKED = "checked", _("Checked (dry run)")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed, nothing imported")
    REFUSED = "refused", _("File refused")


class ImportRunQuerySet(models.QuerySet):
    def of_user(self, user) -> ImportRunQuerySet:
        return self.filter(user=user)


@text_integrity
class ImportRun(models.Model):
    """One uploaded file and what became of it.

    The file's bytes are kept only until the import is committed or fails, so
    that the commit applies exactly the file the dry run showed; the sha256
    stays for the record. No change history: this row is itself the log.
    """

    uid = models.UUIDField(_("stable identifier"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    encoding = models.CharField(
        _("detected encoding"), max_length=200, blank=True, help_text=_("For CSV files: what was decided, and why.")
    )
    state = models.CharField(_("state"), max_length=20, choices=ImportState.choices, default=ImportState.CHECKED)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    report = models.JSONField(
        _("dry run"), default=dict, blank=True, help_text=_("New, changed and erroneous rows found by the dry run.")
    )
    plan_digest = models.CharField(
        _("digest of the planned changes"),
        max_length=64,
        blank=True,
        help_text=_("The commit refuses to run when the changes it would make differ from the dry run's."),
    )
    error = models.TextField(_("error"), max_length=4000, blank=True)
    content = models.BinaryField(_("file content"), null=True, blank=True, editable=False)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:run", args=[self.uid])

    @property
    def can_commit(self) -> bool:
        return self.state == ImportState.CHECKED and not self.counts.get("errors") and self.content is not None
