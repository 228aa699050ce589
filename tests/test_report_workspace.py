"""The report workspace and workflow: the foreword, builds run by the task,
their checksum and counts, publishing, the files, the command, and who may
do any of it (the coordinator only)."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from relint.activities.models import ReviewState
from relint.reports import services
from relint.reports.models import AnnualReport, BuildStage, ReportForeword, ReportState
from tests.test_report_pdf import _activity

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture(autouse=True)
def italian():
    """URLs and messages in Italian, whatever an earlier test left active."""
    with translation.override("it"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _client(client, user):
    client.force_login(user)
    return client


def _ready(personas, language="it") -> AnnualReport:
    report = services.report_request(user=personas.coordinator, year=YEAR, language=language)
    assert report.state == ReportState.READY, report.error
    return report


def test_it_builds_stores_and_publishes_from_the_workspace(client, personas):
    _activity(personas.department_a, "Rete del verde urbano")
    _activity(personas.department_a, "Bozza", state=ReviewState.DRAFT)
    client = _client(client, personas.coordinator)

    response = client.post(reverse("reports:build", args=[YEAR]), {"language": "it"})

    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert report.state == ReportState.READY
    assert report.built_by == personas.coordinator
    assert report.built_at is not None
    content = report.file.read()
    assert hashlib.sha256(content).hexdigest() == report.sha256
    assert report.size == len(content)
    assert report.page_count == len(PdfReader(io.BytesIO(content)).pages)
    assert report.counts["activities"] == 1
    assert report.counts["pages"] == report.page_count
    assert "Rete del verde urbano" in report.html_file.read().decode()

    page = client.get(reverse("reports:year", args=[YEAR]))
    assert page.status_code == 200
    assert report.sha256[:16] in page.content.decode()

    response = client.post(reverse("reports:publish", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    assert report.published_by == personas.coordinator
    pdf = client.get(reverse("reports:pdf", args=[report.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == content


def test_publishing_again_withdraws_the_earlier_build_and_keeps_its_file(personas):
    _activity(personas.department_a, "Prima versione")
    first = services.report_publish(user=personas.coordinator, report=_ready(personas))
    first_bytes = first.file.read()
    first.file.close()

    _activity(personas.department_b, "Aggiunta dopo")
    second = services.report_publish(user=personas.coordinator, report=_ready(personas))

    first.refresh_from_db()
    assert (first.state, second.state) == (ReportState.WITHDRAWN, ReportState.PUBLISHED)
    assert first.file.name != second.file.name
    assert first.file.read() == first_bytes
    assert hashlib.sha256(first_bytes).hexdigest() == first.sha256
    assert AnnualReport.objects.published().filter(year=YEAR, language="it").count() == 1


def test_the_two_languages_are_published_independently(personas):
    italian = services.report_publish(user=personas.coordinator, report=_ready(personas, "it"))
    english = services.report_publish(user=personas.coordinator, report=_ready(personas, "en"))
    italian.refresh_from_db()
    assert (italian.state, english.state) == (ReportState.PUBLISHED, ReportState.PUBLISHED)


def test_only_a_ready_build_can_be_published(client, personas):
    _activity(personas.department_a, "Città 東京")  # no bundled font draws it
    report = services.report_request(user=personas.coordinator, year=YEAR, language="it")
    assert report.state == ReportState.FAILED
    assert "東 (U+6771)" in report.error
    assert not report.file

    client = _client(client, personas.coordinator)
    response = client.post(reverse("reports:publish", args=[report.pk]), follow=True)
    assert "Si può pubblicare solo una versione pronta" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.FAILED


def test_the_foreword_is_written_per_year(client, personas):
    client = _client(client, personas.coordinator)
    url = reverse("reports:foreword", args=[YEAR])

    response = client.post(url, {"text_it": "Un anno di lavoro.", "text_en": "", "signed_by": "La coordinatrice"})
    assert response.status_code == 302
    response = client.post(url, {"text_it": "Un anno intenso.", "text_en": "A busy year.", "signed_by": ""})
    assert response.status_code == 302

    foreword = ReportForeword.objects.get(year=YEAR)
    assert (foreword.text_it, foreword.text_en) == ("Un anno intenso.", "A busy year.")
    too_long = client.post(url, {"text_it": "x" * 20001, "text_en": "", "signed_by": ""})
    assert too_long.status_code == 400
    foreword.refresh_from_db()
    assert foreword.text_it == "Un anno intenso."


@pytest.mark.parametrize("persona", ["editor_a", "editor_b", "viewer_a"])
def test_it_forbids_everyone_but_the_coordinator(client, personas, persona):
    report = _ready(personas)
    client = _client(client, getattr(personas, persona))
    for name, args in [("index", []), ("year", [YEAR]), ("status", [report.pk]), ("pdf", [report.pk])]:
        assert client.get(reverse(f"reports:{name}", args=args)).status_code == 403
    assert client.post(reverse("reports:build", args=[YEAR]), {"language": "it"}).status_code == 403
    assert client.post(reverse("reports:publish", args=[report.pk])).status_code == 403
    assert client.post(reverse("reports:foreword", args=[YEAR]), {"text_it": "x"}).status_code == 403
    assert AnnualReport.objects.count() == 1
    report.refresh_from_db()
    assert report.state == ReportState.READY
    assert not ReportForeword.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302
    assert reverse("account:login") in response["Location"]
    assert client.post(reverse("reports:build", args=[YEAR]), {"language": "it"}).status_code == 302
    assert not AnnualReport.objects.exists()


def test_the_services_refuse_non_coordinators(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_request(user=personas.editor_a, year=YEAR, language="it")
    report = _ready(personas)
    with pytest.raises(PermissionDenied):
        services.report_publish(user=personas.editor_a, report=report)
    with pytest.raises(PermissionDenied):
        services.foreword_save(user=personas.viewer_a, year=YEAR, text_it="x", text_en="", signed_by="")


def test_it_rejects_wrong_methods_and_unknown_things(client, personas):
    client = _client(client, personas.coordinator)
    assert client.get(reverse("reports:build", args=[YEAR])).status_code == 405
    assert client.get(reverse("reports:publish", args=[1])).status_code == 405
    assert client.post(reverse("reports:index")).status_code == 405
    assert client.get(reverse("reports:pdf", args=[999])).status_code == 404
    assert client.get(reverse("reports:year", args=[1200])).status_code == 404
    assert client.post(reverse("reports:build", args=[YEAR]), {"language": "fr"}).status_code == 400
    assert not AnnualReport.objects.exists()


def test_a_running_build_is_polled_and_never_blocks(client, personas):
    report = AnnualReport.objects.create(year=YEAR, language="it", state=ReportState.BUILDING, progress=45)
    client = _client(client, personas.coordinator)

    page = client.get(reverse("reports:year", args=[YEAR])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<meta http-equiv="refresh" content="5">' in page  # inside <noscript>
    fragment = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert 'value="45"' in fragment


def test_a_build_reports_each_stage_as_it_starts(personas, monkeypatch):
    _activity(personas.department_a, "Per fasi")
    seen = []
    step = services._step

    def watched(report, stage):
        step(report, stage)
        # What a polling request reads at that moment, from the database.
        seen.append(AnnualReport.objects.values_list("state", "stage", "progress").get(pk=report.pk))

    monkeypatch.setattr(services, "_step", watched)

    report = _ready(personas)

    assert seen == [
        ("building", "data", 5),
        ("building", "charts", 12),
        ("building", "compile", 15),
        ("building", "store", 92),
    ]
    assert (report.stage, report.progress) == ("", 100)


def test_the_page_names_the_running_stage_and_the_failed_one(client, personas):
    running = AnnualReport.objects.create(
        year=YEAR, language="it", state=ReportState.BUILDING, stage=BuildStage.COMPILE, progress=15
    )
    client = _client(client, personas.coordinator)

    fragment = client.get(reverse("reports:status", args=[running.pk])).content.decode()
    assert "Fase 3 di 4: Composizione del PDF" in fragment

    _activity(personas.department_a, "Gemellaggio con 東京")
    failed = services.report_request(user=personas.coordinator, year=YEAR, language="en")
    assert (failed.state, failed.stage) == (ReportState.FAILED, BuildStage.COMPILE)
    assert not failed.file
    fragment = client.get(reverse("reports:status", args=[failed.pk])).content.decode()
    assert "Interrotta durante: Composizione del PDF" in fragment
    assert "東 (U+6771)" in fragment


def test_the_command_writes_files_and_archives(personas, tmp_path):
    _activity(personas.department_a, "Dalla riga di comando")
    output, html = tmp_path / "report.pdf", tmp_path / "report.html"

    call_command("build_report", year=YEAR, lang="it", output=output, html=html)

    assert "Dalla riga di comando" in "".join(p.extract_text() for p in PdfReader(output).pages)
    assert "Dalla riga di comando" in html.read_text()
    assert not AnnualReport.objects.exists()

    call_command("build_report", year=YEAR, lang="en", archive=True, user="coordinator", publish=True)
    assert AnnualReport.objects.published().get().language == "en"
    call_command("build_report", year=YEAR, lang="en", archive=True, user="coordinator", if_unpublished=True)
    assert AnnualReport.objects.count() == 1

    with pytest.raises(CommandError, match=r"coordinamento|coordinator"):
        call_command("build_report", year=YEAR, lang="it", archive=True, user="editor_a")
    with pytest.raises(CommandError, match="--year"):
        call_command("build_report", year=1800, lang="it", output=output)
