"""Which uploaded files relint accepts, judged by their bytes.

A file's name and the browser's Content-Type are whatever the sender says;
the first bytes are what the file is. Activity attachments, agreement
documents and meeting attachments all go through `check_upload`, each with
its own size limit and, where the name must agree with the content, its own
list of extensions.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    description: str


PDF = FileType("application/pdf", "PDF")
PNG = FileType("image/png", "PNG")
JPEG = FileType("image/jpeg", "JPEG")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)")
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint (PPTX)")
ODT = FileType("application/vnd.oasis.opendocument.text", "OpenDocument (ODT)")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument (ODS)")
ODP = FileType("application/vnd.oasis.opendocument.presentation", "OpenDocument (ODP)")

BY_EXTENSION: dict[str, FileType] = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".odt": ODT,
    ".ods": ODS,
    ".odp": ODP,
}

# Office Open XML files are zip archives; a zip signature alone would let any
# archive through, so the main part inside tells them apart.
_OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
# OpenDocument puts its type, uncompressed, in the first entry "mimetype".
_ODF_TYPES = {t.content_type.encode(): t for t in (ODT, ODS, ODP)}


def sniff_type(upload) -> FileType | None:
    """The type the file's own bytes show, or None when it is none of the
    known formats. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    return None


def _zip_type(upload) -> FileType | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                found = _ODF_TYPES.get(archive.read("mimetype").strip())
                if found is not None:
                    return found
            if "[Content_Types].xml" in names:
                for part, file_type in _OOXML_PARTS.items():
                    if part in names:
                        return file_type
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def check_upload(upload, *, max_bytes: int, extensions: tuple[str, ...] | None = None) -> str:
    """Return the upload's real content type, or raise ValidationError saying
    what is wrong with it: empty, over `max_bytes`, or not a known format.

    With `extensions`, the name must end with one of them and the content
    must be of that extension's type, so a program renamed `.pdf` is refused
    with a message naming both."""
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    found = sniff_type(upload)
    if extensions is None:
        if found is None:
            raise ValidationError(
                _("This kind of file is not accepted. Accepted types: %(types)s.")
                % {"types": ", ".join(sorted({t.description for t in BY_EXTENSION.values()}))},
                code="type",
            )
        return found.content_type
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in extensions:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted types: %(types)s.")
            % {"types": ", ".join(sorted(extensions))},
            code="extension",
        )
    expected = BY_EXTENSION[extension]
    if found != expected:
        raise ValidationError(
            _("The file is called %(extension)s but its content is not %(type)s.")
            % {"extension": extension, "type": expected.description},
            code="disguised",
        )
    return found.content_type
