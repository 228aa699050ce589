"""The one upload checker (`relint.core.uploads`) that activity attachments,
agreement documents and meeting attachments share."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from relint.activities.forms import ATTACHMENT_EXTENSIONS
from relint.coordination.uploads import validate_attachment
from relint.core import uploads
from relint.partners.documents import check_document


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


SAMPLES = {
    "pdf": b"%PDF-1.7\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 8,
    "jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 8,
    "docx": _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
    "xlsx": _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
    "pptx": _zip({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<presentation/>"}),
    "odt": _zip({"mimetype": "application/vnd.oasis.opendocument.text"}),
    "ods": _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
}


@pytest.mark.parametrize("extension", sorted(SAMPLES))
def test_it_recognises_each_format_by_its_bytes(extension):
    upload = SimpleUploadedFile(f"file.{extension}", SAMPLES[extension])
    assert uploads.sniff_type(upload) == uploads.BY_EXTENSION[f".{extension}"]
    assert upload.tell() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 a Windows program",
        b"<html><script>alert(1)</script></html>",
        _zip({"payload.exe": "MZ"}),
        _zip({"[Content_Types].xml": "<Types/>"}),  # no main part: not a document
        b"PK\x03\x04 not really a zip",
    ],
)
def test_it_recognises_nothing_in_other_bytes(content):
    assert uploads.sniff_type(SimpleUploadedFile("x.pdf", content)) is None


def test_the_name_must_agree_with_the_content():
    upload = SimpleUploadedFile("foto.png", SAMPLES["pdf"])
    with translation.override("en"), pytest.raises(ValidationError, match="content is not PNG") as caught:
        uploads.check_upload(upload, max_bytes=1024, extensions=(".png", ".pdf"))
    assert caught.value.code == "disguised"


@pytest.mark.parametrize(
    ("name", "content", "max_bytes", "code"),
    [
        ("vuoto.pdf", b"", 1024, "empty"),
        ("grande.pdf", SAMPLES["pdf"] + b"0" * 2048, 1024, "too_large"),
        ("pagina.html", b"<html></html>", 1024, "extension"),
    ],
)
def test_it_says_what_is_wrong(name, content, max_bytes, code):
    with pytest.raises(ValidationError) as caught:
        uploads.check_upload(SimpleUploadedFile(name, content), max_bytes=max_bytes, extensions=(".pdf",))
    assert caught.value.code == code


@pytest.mark.parametrize("extension", ["pdf", "png", "docx"])
def test_the_three_upload_screens_agree_on_a_file(extension):
    """A file every screen accepts gets the same content type from each."""
    expected = uploads.BY_EXTENSION[f".{extension}"].content_type
    assert f".{extension}" in ATTACHMENT_EXTENSIONS
    assert check_document(SimpleUploadedFile(f"a.{extension}", SAMPLES[extension])) == expected
    assert validate_attachment(SimpleUploadedFile(f"a.{extension}", SAMPLES[extension])) == expected
    assert (
        uploads.check_upload(
            SimpleUploadedFile(f"a.{extension}", SAMPLES[extension]), max_bytes=1024, extensions=ATTACHMENT_EXTENSIONS
        )
        == expected
    )
