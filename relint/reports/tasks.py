"""Background tasks of the annual report (django-tasks, the `django.tasks`
API of Django 6; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_annual_report(report_id: int) -> None:
    """Build a queued report. Runs in the worker: Typst's memory grows with
    the page count, which a web process must not carry."""
    from relint.reports.services import report_build

    report_build(report_id=report_id)
