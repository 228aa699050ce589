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
# text). Typst checks both while compiling and fails on a breach.
PDF_STANDARDS = ["ua-1"]


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


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    # The page tree's /Count: reading every page object would cost a second
    # per thousand pages.
    return int(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Pages"]["/Count"])


def render_pdf(data: dict, built_on: datetime.date | None = None) -> RenderedPdf:
    check_glyphs(data)
    content = compile_pdf(typst_input(with_figures(data), built_on))
    return RenderedPdf(content=content, page_count=page_count(content))


def render_html(data: dict) -> str:
    """The accessible HTML edition: one self-contained page (charts inline as
    SVG with their alt text), from the same data as the PDF."""
    if "charts" not in data:
        data = with_figures(data)
    with translation.override(data["language"]):
        return render_to_string("reports/edition.html", {"data": data, "L": data["labels"]})
