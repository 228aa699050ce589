"""Which agreement documents may be uploaded: the size limit and the
extensions, checked by `relint.core.uploads` (the content must be of the
type its extension announces, so a program renamed `accordo.pdf` is
refused)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from relint.core.uploads import check_upload

# Signed texts are scanned PDFs of a few megabytes; 20 MiB leaves room for a
# long annex without letting one upload fill the disk.
MAX_DOCUMENT_SIZE = 20 * 1024 * 1024

ALLOWED_EXTENSIONS = (".docx", ".jpeg", ".jpg", ".odt", ".pdf", ".png")


def check_document(upload: UploadedFile) -> str:
    """Raise ValidationError unless the upload is an allowed document within
    the size limit; return its content type."""
    return check_upload(upload, max_bytes=MAX_DOCUMENT_SIZE, extensions=ALLOWED_EXTENSIONS)
