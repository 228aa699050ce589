"""Checks on uploaded agreement documents: size, and type by content.

A file's name and the browser's Content-Type are whatever the sender says;
the first bytes are what the file is. An upload is accepted only when its
extension is one of the allowed ones *and* its content starts the way files
of that type start, so a program renamed `accordo.pdf` is refused.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Signed texts are scanned PDFs of a few megabytes; 20 MiB leaves room for a
# long annex without letting one upload fill the disk.
MAX_DOCUMENT_SIZE = 20 * 1024 * 1024

# extension -> (description, leading bytes it must start with)
_SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("PDF", (b"%PDF-",)),
    ".png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("JPEG", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPEG", (b"\xff\xd8\xff",)),
    ".docx": ("Word (DOCX)", (b"PK\x03\x04",)),
    ".odt": ("OpenDocument (ODT)", (b"PK\x03\x04",)),
}
# A ZIP signature alone would let any archive through as a document; these
# are the members that make a ZIP a DOCX or an ODT.
_ZIP_MEMBER = {".docx": "[Content_Types].xml", ".odt": "mimetype"}

ALLOWED_EXTENSIONS = tuple(sorted(_SIGNATURES))


def _allowed_list() -> str:
    return ", ".join(ALLOWED_EXTENSIONS)


def check_document(upload: UploadedFile) -> str:
    """Raise ValidationError unless the upload is an allowed document within
    the size limit; return its lower-case extension."""
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_DOCUMENT_SIZE)},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in _SIGNATURES:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted types: %(types)s.") % {"types": _allowed_list()},
            code="extension",
        )
    description, signatures = _SIGNATURES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            _("The file is called %(extension)s but its content is not %(type)s.")
            % {"extension": extension, "type": description},
            code="disguised",
        )
    member = _ZIP_MEMBER.get(extension)
    if member is not None:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            names = set()
        finally:
            upload.seek(0)
        if member not in names:
            raise ValidationError(
                _("The file is called %(extension)s but its content is not %(type)s.")
                % {"extension": extension, "type": description},
                code="disguised",
            )
    return extension
