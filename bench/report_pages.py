"""Render pages of a report PDF to PNG with pdftoppm, to look at them.

    .venv/bin/python manage.py build_report --year 2024 --lang it --output /tmp/report.pdf
    .venv/bin/python bench/report_pages.py /tmp/report.pdf /tmp/pages

writes the cover, the colophon, the contents, the overview pages and the
first chapter (pages 1–9) and the last four pages (annexes, index) as PNG
at 80 dpi. Needs poppler-utils (`apt-get install poppler-utils`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    pdf, out = Path(sys.argv[1]), Path(sys.argv[2])
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    out.mkdir(parents=True, exist_ok=True)
    pages = len(PdfReader(pdf).pages)
    for first, last in ((1, min(9, pages)), (max(1, pages - 3), pages)):
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-f", str(first), "-l", str(last), str(pdf), str(out / "page")],
            check=True,
        )
    print(f"{pdf}: {pages} pages; PNG files in {out}")


if __name__ == "__main__":
    main()
