"""Which files a meeting may carry, judged by their bytes.

The browser's declared content type and the file name's extension are the
uploader's claims; the first bytes of the file are what it is. A file is
accepted only when its bytes match one of the formats below and it is no
larger than `MAX_ATTACHMENT_BYTES`.
"""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# Office Open XML files are zip archives; what tells them apart is the main
# part inside the archive.
_OOXML_PARTS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.presentation",
}

ALLOWED_DESCRIPTION = _("PDF, PNG, JPEG, Word, Excel, PowerPoint or OpenDocument files")


def sniff_content_type(upload) -> str | None:
    """The content type the file's own bytes show, or None when it is none
    of the allowed formats."""
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_content_type(upload)
    return None


def _zip_content_type(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            # ODF puts its type, uncompressed, in the first entry "mimetype".
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    declared = archive.read("mimetype").strip()
                    if declared in _ODF_TYPES:
                        return declared.decode()
            for part, content_type in _OOXML_PARTS.items():
                if part in names:
                    return content_type
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def validate_attachment(upload) -> str:
    """Return the file's real content type, or raise ValidationError saying
    what is wrong with it."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": f"{upload.size / 1024 / 1024:.1f}", "limit": MAX_ATTACHMENT_BYTES // 1024 // 1024},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(
            _("This kind of file is not accepted. Accepted: %(allowed)s."),
            code="type",
            params={"allowed": ALLOWED_DESCRIPTION},
        )
    return content_type
