"""Rendering the assembled report data: the PDF through Typst, and the HTML
edition through a Django template.

Both take the dict of `relint.reports.selectors.report_data` and add the
charts; neither reads the database.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import typst
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from relint.reports.charts import report_figures
from relint.reports.fonts import font_directory, missing_characters

TEMPLATE = Path(__file__).resolve().parent / "typst" / "report.typ"
# PDF/UA-1 (tagged, titled, with a language and alt texts) together with
# PDF/A-2a (archivable, and "accessible" conformance: tagged with Unicode
# text). Typst checks both while compiling and fails on a breach; 0.14
# accepted only one of them (decisions 20 and 22).
PDF_STANDARDS = ["a-2a", "ua-1"]


class ReportRenderError(Exception):
    """Typst refused the document; the message says why, in Typst's words."""


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


_SVG_PROLOGUE = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.DOTALL)


def with_figures(data: dict) -> dict:
    """The data plus the charts and map, drawn in the edition's language.

    `svg_inline` is the same drawing without its XML prologue and comments,
    to be placed inside the HTML edition.
    """
    with translation.override(data["language"]):
        charts = report_figures(data)
    for chart in charts:
        chart["svg_inline"] = _SVG_PROLOGUE.sub("", chart["svg"]).strip()
    return {**data, "charts": charts}


def typst_input(data: dict, built_on: datetime.date | None = None) -> str:
    """The JSON Typst reads: the only way data reaches the template."""
    built = built_on or datetime.date.today()
    charts = [{k: v for k, v in chart.items() if k != "svg_inline"} for chart in data.get("charts", [])]
    payload = {**data, "charts": charts, "built": {"year": built.year, "month": built.month, "day": built.day}}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def check_glyphs(data: dict) -> None:
    """Refuse, naming the text, what no bundled font can draw (Chinese,
    Japanese, emoji...): PDF/UA forbids a missing glyph, and Typst would
    fail with only the character to go on."""
    # Every character of every text at once first (json.dumps and set() run
    # in C): the walk below, which names the texts, is for when one is missing.
    texts = {key: value for key, value in data.items() if key not in ("charts", "titles")}
    if not missing_characters(json.dumps(texts, ensure_ascii=False)):
        return
    problems: list[str] = []

    def visit(value, where: str) -> None:
        if isinstance(value, str):
            missing = missing_characters(value)
            if missing and len(problems) < 5:
                shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:5])
                problems.append(f"«{value[:80]}» ({where}): {shown}")
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ("charts", "svg", "svg_inline"):
                    visit(item, where)
        elif isinstance(value, list):
            for item in value:
                visit(item, where)

    for chapter in data.get("chapters", []):
        for activity in chapter["activities"]:
            visit(activity, chapter["name"])
    for key, value in data.items():
        if key not in ("chapters", "charts", "titles"):
            visit(value, key)
    if problems:
        raise ReportRenderError(
            _("Some texts contain characters that the report's fonts cannot draw; change them and build again: ")
            + "; ".join(problems)
        )


def compile_pdf(document: str, template: Path = TEMPLATE) -> bytes:
    """The bare Typst compile of prepared JSON (what the benchmark compares to).

    `template` lets another document (the table's minutes) share the fonts,
    the standards and the error handling; the report passes none."""
    try:
        return typst.compile(
            str(template),
            root=str(template.parent),
            font_paths=[font_directory()],
            ignore_system_fonts=True,
            sys_inputs={"data": document},
            pdf_standards=PDF_STANDARDS,
        )
    except typst.TypstError as exc:
        raise ReportRenderError(_typst_message(exc)) from exc
    except RuntimeError as exc:
        raise ReportRenderError(str(exc)) from exc


def _typst_message(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    hints = getattr(exc, "hints", None) or []
    return "; ".join([str(message), *[str(h) for h in hints]])[:3900]


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_ROOT = re.compile(rb"/Root\s+(\d+)\s+0\s+R")
_PAGES = re.compile(rb"/Pages\s+(\d+)\s+0\s+R")
_COUNT = re.compile(rb"/Count\s+(\d+)")


def _object(pdf: bytes, table: int, number: int) -> bytes:
    """Object `number`'s dictionary, found through a classic cross-reference
    table with one section starting at object 0 (what Typst writes)."""
    header = re.compile(rb"xref\s+0\s+(\d+)\s*?\n").match(pdf, table)
    if header is None or number >= int(header.group(1)):
        raise ValueError("not a single-section cross-reference table")
    entry = pdf[header.end() + 20 * number : header.end() + 20 * number + 20]
    offset = int(entry[:10])
    if not entry.endswith((b" \r\n", b"\r\n", b" \n")) or entry[17:18] != b"n":
        raise ValueError("unexpected cross-reference entry")
    start = pdf.index(b"obj", offset)
    if not pdf[offset:start].split() == [str(number).encode(), b"0"]:
        raise ValueError("the entry does not point at the object")
    return pdf[start : pdf.index(b"endobj", start)]


def page_count(pdf: bytes) -> int:
    """The page tree's /Count, read by following the trailer's /Root through
    the cross-reference table: parsing the file with pypdf cost 0.35 s (its
    import included) on a 60-page report, a fifth of the whole build. Another
    file layout falls back to pypdf."""
    try:
        table = int(_STARTXREF.search(pdf[-64:]).group(1))
        trailer = pdf[pdf.index(b"trailer", table) :]
        root = _object(pdf, table, int(_ROOT.search(trailer).group(1)))
        pages = _object(pdf, table, int(_PAGES.search(root).group(1)))
        if not re.search(rb"/Type\s*/Pages\b", pages):
            raise ValueError("/Pages is not the page tree")
        return int(_COUNT.search(pages).group(1))
    except (AttributeError, ValueError, IndexError):
        from pypdf import PdfReader

        return int(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Pages"]["/Count"])


def render_pdf(data: dict, built_on: datetime.date | None = None) -> RenderedPdf:
    """The PDF of `data` (drawing the charts unless they are already there)."""
    check_glyphs(data)
    if "charts" not in data:
        data = with_figures(data)
    content = compile_pdf(typst_input(data, built_on))
    return RenderedPdf(content=content, page_count=page_count(content))


def render_html(data: dict) -> str:
    """The accessible HTML edition: one self-contained page (charts inline as
    SVG with their alt text), from the same data as the PDF."""
    if "charts" not in data:
        data = with_figures(data)
    with translation.override(data["language"]):
        return render_to_string("reports/edition.html", {"data": data, "L": data["labels"]})
