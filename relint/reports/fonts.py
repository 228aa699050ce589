"""The fonts the report is set in, taken from registry packages only.

Titillium Web (the Italian public administration's typeface) and Lora come
as TTF files with bootstrap-italia (npm); DejaVu Sans, for the scripts those
two lack (Greek, Cyrillic, Arabic, Hebrew, symbols), comes with matplotlib
(PyPI). Typst is given exactly these files and no system font, so the same
data gives the same pages on every machine.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

import matplotlib
from django.conf import settings

_BOOTSTRAP_ITALIA = Path(settings.BASE_DIR) / "node_modules" / "bootstrap-italia" / "src" / "fonts"
_DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
TITILLIUM = _BOOTSTRAP_ITALIA / "Titillium_Web" / "titillium-web-v10-latin-ext_latin-regular.ttf"
DEJAVU = _DEJAVU / "DejaVuSans.ttf"

FONT_FILES: tuple[Path, ...] = (
    *sorted((_BOOTSTRAP_ITALIA / "Titillium_Web").glob("*.ttf")),
    *sorted((_BOOTSTRAP_ITALIA / "Lora").glob("*.ttf")),
    _DEJAVU / "DejaVuSans.ttf",
    _DEJAVU / "DejaVuSans-Bold.ttf",
    _DEJAVU / "DejaVuSans-Oblique.ttf",
    _DEJAVU / "DejaVuSans-BoldOblique.ttf",
)


class MissingFontsError(RuntimeError):
    pass


def check_fonts() -> None:
    """A missing font would make Typst fall back to its embedded fonts and
    change the pages without a word: refuse instead."""
    missing = [str(path) for path in FONT_FILES if not path.is_file()]
    if missing or len(FONT_FILES) < 6:
        raise MissingFontsError(
            "The report's fonts are missing (run `npm ci` for bootstrap-italia): " + ", ".join(missing)
        )


_font_directory: Path | None = None


def font_directory() -> str:
    """A directory holding exactly the report's fonts, made once per process
    (and again if a temporary-file cleaner removed it from a long-lived worker).

    Typst searches font directories, not files, and matplotlib's directory
    holds many other fonts; copying the few files (about 2 MB) keeps the set
    exact.
    """
    global _font_directory
    if _font_directory is None or not all((_font_directory / p.name).is_file() for p in FONT_FILES):
        check_fonts()
        directory = Path(tempfile.mkdtemp(prefix="relint-fonts-"))
        for path in FONT_FILES:
            shutil.copy2(path, directory / path.name)
        _font_directory = directory
    return str(_font_directory)


@cache
def covered_characters() -> frozenset[int]:
    """Every code point at least one of the report's fonts can draw."""
    # FreeType (through matplotlib) reads the character maps about ten times
    # faster than fontTools, and this runs at every build.
    from matplotlib.ft2font import FT2Font

    check_fonts()
    covered: set[int] = set()
    for path in FONT_FILES:
        covered.update(code for code, glyph in FT2Font(str(path)).get_charmap().items() if glyph)
    return frozenset(covered)


def missing_characters(text: str) -> list[str]:
    """The characters of `text` that no bundled font draws (line breaks and
    tabs are layout, not glyphs)."""
    covered = covered_characters()
    return sorted({ch for ch in set(text) if ord(ch) not in covered and ch not in "\n\t\r"})
