"""Build the annual internationalization report from the command line."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from relint.activities.models import MAX_YEAR, MIN_YEAR
from relint.reports import services
from relint.reports.models import AnnualReport, Language, ReportState
from relint.reports.render import ReportRenderError, render_html, render_pdf, with_figures
from relint.reports.selectors import report_data


class Command(BaseCommand):
    help = (
        "Build the annual report of a year in one language. With --output (and/or --html) the PDF "
        "(HTML edition) is written to a file and nothing is stored. With --archive the build is "
        "stored as a version, built by --user (a coordinator), and --publish publishes it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help=f"Reporting year ({MIN_YEAR}–{MAX_YEAR}).")
        parser.add_argument("--lang", choices=Language.values, default="it", help="Edition language.")
        parser.add_argument("--output", type=Path, help="Write the PDF to this file.")
        parser.add_argument("--html", type=Path, help="Write the HTML edition to this file.")
        parser.add_argument("--archive", action="store_true", help="Store the build as a version.")
        parser.add_argument("--user", help="Username of the coordinator the stored build is by.")
        parser.add_argument("--publish", action="store_true", help="Publish the stored build (with --archive).")
        parser.add_argument(
            "--if-unpublished",
            action="store_true",
            help="With --archive: do nothing when a build of the year and language is already published.",
        )

    def handle(self, *args, year: int, lang: str, output, html, archive, user, publish, if_unpublished, **options):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"--year must be between {MIN_YEAR} and {MAX_YEAR}.")
        if not (output or html or archive):
            raise CommandError("Say what to do: --output FILE, --html FILE and/or --archive.")
        if publish and not archive:
            raise CommandError("--publish needs --archive.")
        if output or html:
            self._to_files(year, lang, output, html)
        if archive:
            self._archive(year, lang, user, publish, if_unpublished)

    def _to_files(self, year: int, lang: str, output: Path | None, html: Path | None) -> None:
        data = with_figures(report_data(year=year, language=lang))
        if output:
            try:
                rendered = render_pdf(data)
            except ReportRenderError as exc:
                raise CommandError(f"Typst could not typeset the report: {exc}") from exc
            output.write_bytes(rendered.content)
            self.stdout.write(f"{output}: {rendered.page_count} pages, {len(rendered.content):,} bytes")
        if html:
            html.write_text(render_html(data), encoding="utf-8")
            self.stdout.write(f"{html}: HTML edition")

    def _archive(self, year: int, lang: str, username: str | None, publish: bool, if_unpublished: bool) -> None:
        if not username:
            raise CommandError("--archive needs --user, the coordinator the build is by.")
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {username!r}.") from exc
        if if_unpublished and AnnualReport.objects.published().filter(year=year, language=lang).exists():
            self.stdout.write(f"The {year} report in {lang} is already published.")
            return
        try:
            report = services.report_build_now(user=user, year=year, language=lang)
            if report.state != ReportState.READY:
                raise CommandError(report.error or f"The build ended {report.state}.")
            self.stdout.write(f"Stored build {report.pk}: {report.page_count} pages, sha256 {report.sha256}")
            if publish:
                services.report_publish(user=user, report=report)
                self.stdout.write(f"Published build {report.pk}.")
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
