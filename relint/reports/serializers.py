"""One flat record per published annual report, for the API and the
open-data exports."""

from __future__ import annotations

from relint.reports.models import AnnualReport


def report_record(report: AnnualReport) -> dict:
    return {
        "year": report.year,
        "language": report.language,
        "pdf": report.file.url if report.file else None,
        "html": report.html_file.url if report.html_file else None,
        "sha256": report.sha256,
        "size": report.size,
        "page_count": report.page_count,
        "published_at": report.published_at.isoformat() if report.published_at else None,
    }
