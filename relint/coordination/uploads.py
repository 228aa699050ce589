"""Which files a meeting may carry: any format of `relint.core.uploads`,
judged by its bytes (the name's extension is not asked to agree), up to
`MAX_ATTACHMENT_BYTES`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relint.core.uploads import check_upload

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

ALLOWED_DESCRIPTION = _("PDF, PNG, JPEG, Word, Excel, PowerPoint or OpenDocument files")


def validate_attachment(upload) -> str:
    """Return the file's real content type, or raise ValidationError saying
    what is wrong with it."""
    return check_upload(upload, max_bytes=MAX_ATTACHMENT_BYTES)
