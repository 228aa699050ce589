"""The annual report's data assembly, PDF and HTML edition: what goes in,
what stays out, the tagging, the injection corpus, the edge cases and the
query count."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from relint.activities.models import (
    Activity,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    FundingLine,
    ReviewState,
)
from relint.activities.serializers import ACTIVITY_RECORD_PREFETCH, activity_record
from relint.core.models import Country
from relint.partners.models import Organisation, OrganisationKind, PartnerCity
from relint.reports.fonts import missing_characters
from relint.reports.models import ReportForeword
from relint.reports.render import ReportRenderError, render_html, render_pdf, with_figures
from relint.reports.selectors import clean_text, report_data

pytestmark = pytest.mark.django_db

YEAR = 2025
INJECTION = (
    "Inj # $x^2$ *grassetto* _corsivo_ @ref <lbl> \\ [a] {b} `code` ```raw``` "
    '#eval("1+1") #set page(fill: red) <b>html</b> <script>alert(1)</script> '
    "مرحبا שלום fine"
)


def _activity(department, title: str, *, state=ReviewState.ACCEPTED, year=YEAR, partners=True, **extra) -> Activity:
    """An activity as the review workflow leaves it: accepted ones carry the
    snapshot the report reads."""
    fields = {
        "year": year,
        "kind": "cooperation",
        "title_it": title,
        "description_it": f"Descrizione di {title}.\n\nSecondo paragrafo.",
        "results_it": "Risultati.",
        "lead_department": department,
        "status": "completed",
        "start_date": datetime.date(year, 3, 1),
        "end_date": datetime.date(year, 6, 30),
        "review_state": state,
        "review_comment": "Da rivedere." if state == ReviewState.RETURNED else "",
    }
    fields.update(extra)
    activity = Activity.objects.create(**fields)
    if partners:
        city, _ = PartnerCity.objects.get_or_create(
            name_it="Campinas",
            country=Country.objects.get(iso2="BR"),
            defaults={"latitude": -22.9, "longitude": -47.06},
        )
        organisation, _ = Organisation.objects.get_or_create(
            name="ONG Esempio", defaults={"kind": OrganisationKind.NGO}
        )
        ActivityPartnerCity.objects.create(activity=activity, city=city, role="lead")
        ActivityPartnerOrganisation.objects.create(activity=activity, organisation=organisation, role="implementer")
        FundingLine.objects.create(activity=activity, source="city", amount=Decimal("1500.50"))
        activity.countries.add("BR")
        activity.sdgs.add(11)
    if state == ReviewState.ACCEPTED:
        accept(activity)
    return activity


def accept(activity: Activity) -> None:
    activity = Activity.objects.prefetch_related(*ACTIVITY_RECORD_PREFETCH).get(pk=activity.pk)
    activity.accepted_snapshot = activity_record(activity)
    activity.save(update_fields=["accepted_snapshot"])


def _pdf(year=YEAR, language="it"):
    rendered = render_pdf(report_data(year=year, language=language), built_on=datetime.date(2026, 3, 1))
    reader = PdfReader(io.BytesIO(rendered.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return rendered, reader, re.sub(r"\s+", " ", text)


def _outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            titles.append(item.title)
    return titles


def test_it_contains_every_accepted_title_and_no_other(personas):
    accepted = [
        _activity(personas.department_a, "Rete europea del verde urbano"),
        _activity(personas.department_b, "Festival delle culture del Mediterraneo"),
    ]
    _activity(personas.department_a, "Bozza mai inviata", state=ReviewState.DRAFT)
    _activity(personas.department_a, "Scheda in attesa di revisione", state=ReviewState.SUBMITTED)
    _activity(personas.department_b, "Scheda rimandata indietro", state=ReviewState.RETURNED)
    _activity(personas.department_b, "Attività di un altro anno", year=YEAR - 1)

    rendered, reader, text = _pdf()

    for activity in accepted:
        assert activity.title_it in text
    for absent in ("Bozza mai inviata", "Scheda in attesa di revisione", "Scheda rimandata indietro"):
        assert absent not in text
    assert "Attività di un altro anno" not in text
    assert rendered.page_count == len(reader.pages) > 10
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "it-IT"
    assert reader.metadata.title == "Relazione sull'internazionalizzazione 2025"
    outline = _outline_titles(reader.outline)
    assert "Premessa" in outline
    assert personas.department_a.name_it in outline
    assert "Allegati" in outline


def test_an_accepted_activity_under_revision_shows_its_accepted_text(personas):
    activity = _activity(personas.department_a, "Titolo accettato dal coordinamento")
    # The department reopens it and changes the live title: the report keeps the accepted one.
    Activity.objects.filter(pk=activity.pk).update(title_it="Titolo in revisione", review_state=ReviewState.DRAFT)

    data = report_data(year=YEAR, language="it")

    assert data["titles"] == ["Titolo accettato dal coordinamento"]
    _rendered, _reader, text = _pdf()
    assert "Titolo accettato dal coordinamento" in text
    assert "Titolo in revisione" not in text


def test_the_english_edition_marks_italian_stand_ins(personas):
    _activity(personas.department_a, "Solo in italiano")
    _activity(
        personas.department_b,
        "Anche in inglese",
        title_en="Also in English",
        description_en="In English.",
        results_en="Done.",
    )
    ReportForeword.objects.create(year=YEAR, text_it="Premessa italiana.", text_en="")

    _rendered, reader, text = _pdf(language="en")

    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == "Report on internationalization 2025"
    assert "Also in English" in text
    assert "Anche in inglese" not in text
    # The Italian title stands in, marked.
    assert "Solo in italiano [IT]" in text
    assert "Premessa italiana. [IT]" in text
    assert report_data(year=YEAR, language="en")["counts"]["english_fallbacks"] == 1


def test_markup_in_titles_and_descriptions_renders_literally(personas):
    _activity(personas.department_a, INJECTION[:300], description_it=INJECTION + "\n\n#pagebreak() $ a $")

    _rendered, _reader, text = _pdf()

    assert "# $x^2$ *grassetto* _corsivo_ @ref <lbl> \\ [a] {b} `code`" in text
    assert '#eval("1+1") #set page(fill: red) <b>html</b> <script>alert(1)</script>' in text
    assert "#pagebreak() $ a $" in text
    assert "مرحبا" in text


def test_characters_no_font_draws_fail_with_a_clear_error(personas):
    _activity(personas.department_a, "Gemellaggio con 東京 🎉")

    with pytest.raises(ReportRenderError, match=r"«Gemellaggio con 東京 🎉» .*東 \(U\+6771\)"):
        render_pdf(report_data(year=YEAR, language="it"))


def test_control_characters_are_shown_not_hidden():
    assert clean_text("a\x00b\x07c\nd\te") == "a\ufffdb\ufffdc\nd\te"
    assert missing_characters("Città\n\t") == []


def test_an_empty_year_gives_a_sensible_report(personas):
    rendered, _reader, text = _pdf(year=2031)

    assert rendered.page_count > 5
    assert "Nessuna attività di quest'anno è stata ancora accettata." in text
    assert "Il settore non ha attività accettate quest'anno." in text


def test_a_department_without_activities_and_an_activity_without_partners(personas):
    _activity(personas.department_a, "Attività senza partner", partners=False)

    data = report_data(year=YEAR, language="it")
    chapters = {c["code"]: c for c in data["chapters"]}
    assert chapters[personas.department_b.code]["activities"] == []
    entry = chapters[personas.department_a.code]["activities"][0]
    assert (entry["cities"], entry["organisations"], entry["funding"]) == ([], [], [])

    _rendered, _reader, text = _pdf()
    assert "Attività senza partner" in text
    assert "Nessuna città o organizzazione partner." in text


def test_the_query_count_does_not_grow_with_the_activities(personas, django_assert_num_queries):
    for index in range(3):
        _activity(personas.department_a, f"Attività {index}")
    with CaptureQueriesContext(connection) as few:
        small = report_data(year=YEAR, language="it")
    for index in range(3, 40):
        _activity(personas.department_b if index % 2 else personas.department_a, f"Attività {index}")
    with django_assert_num_queries(len(few.captured_queries)):
        large = report_data(year=YEAR, language="it")
    assert (small["counts"]["activities"], large["counts"]["activities"]) == (3, 40)


def test_key_figures_compare_with_the_previous_year(personas):
    _activity(personas.department_a, "Prima")
    _activity(personas.department_b, "Seconda")
    _activity(personas.department_a, "Anno prima", year=YEAR - 1)

    figures = {f["label"]: f for f in report_data(year=YEAR, language="it")["key_figures"]}

    assert figures["Attività"]["value"] == "2"
    assert figures["Attività"]["previous"] == "1"
    assert figures["Attività"]["change"] == "+100,0 %"
    assert figures["Finanziamenti (EUR)"]["value"] == "€ 3.001,00"


def test_charts_and_map_have_alt_texts_stating_their_figures(personas):
    _activity(personas.department_a, "Con partner")

    charts = with_figures(report_data(year=YEAR, language="it"))["charts"]

    alts = {c["title"]: c["alt"] for c in charts}
    assert alts["Attività per settore"] == f"Attività per settore: {personas.department_a.name_it} 1."
    map_alt = alts["Città e paesi partner dell'anno"]
    assert "1 paesi evidenziati (Brasile)" in map_alt
    assert "Campinas (Brasile)" in map_alt
    assert all(c["svg"].lstrip().startswith("<?xml") for c in charts)


def test_the_same_data_gives_the_same_file(personas):
    _activity(personas.department_a, "Stabile")
    data = report_data(year=YEAR, language="it")
    day = datetime.date(2026, 1, 15)
    assert render_pdf(data, built_on=day).content == render_pdf(data, built_on=day).content


def test_the_pdf_embeds_only_the_bundled_fonts(personas):
    _activity(personas.department_a, "Caratteri")
    _rendered, reader, _text = _pdf()
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts
    assert all(re.match(r"(TitilliumWeb|Lora|DejaVuSans)", name) for name in fonts), fonts


def test_the_html_edition_escapes_every_text(personas):
    _activity(personas.department_a, INJECTION[:300])

    html = render_html(report_data(year=YEAR, language="it"))

    assert '<html lang="it">' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('role="img" aria-label=') == 6
    assert '<th scope="col">' in html


def test_the_pdf_is_pdf_a_2a_and_pdf_ua_1(personas):
    _activity(personas.department_a, "Archiviabile")

    _rendered, reader, _text = _pdf()

    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", xmp), xmp[:2000]
    assert re.search(r"<pdfaid:conformance>A</pdfaid:conformance>", xmp)
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp)
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "it-IT"


def test_the_page_count_is_read_from_the_page_tree():
    from pypdf import PdfWriter

    from relint.reports.render import page_count

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    # pypdf lays the file out differently from Typst: the fallback reads it.
    assert page_count(buffer.getvalue()) == 3


def test_chart_labels_are_escaped_text_and_an_empty_chart_says_so():
    from relint.reports.charts import bar_chart

    with translation.override("it"):
        chart = bar_chart("Titolo", [{"label": "Cost $5 & <b>$6</b>", "value": 3}])
        empty = bar_chart("Vuoto", [])

    # Text, not mathtext or markup: the dollar signs and the tag stay literal.
    assert ">Cost $5 &amp; &lt;b&gt;$6&lt;/b&gt;</text>" in chart["svg"]
    assert "<b>" not in chart["svg"]
    assert ">Nessun dato per quest'anno.</text>" in empty["svg"]
    assert empty["alt"] == "Vuoto: nessun dato per quest'anno."


@pytest.mark.parametrize("language", ["it", "en"])
def test_amounts_are_written_as_django_writes_them(language):
    from django.utils import formats

    from relint.reports.selectors import format_amount

    with translation.override(language):
        for value in (Decimal("1500.50"), Decimal("0"), Decimal("1234567.891"), Decimal("-12.5"), 3001):
            expected = "€ " + formats.number_format(value, 2, use_l10n=True, force_grouping=True)
            assert format_amount(value) == expected


def test_the_table_section_shows_only_public_strategic_decisions_of_approved_minutes(personas, tmp_path, settings):
    from relint.coordination import services as table

    from .coordination_helpers import make_full, make_meeting

    settings.MEDIA_ROOT = tmp_path
    full = make_full(personas, make_meeting(personas))
    meeting = full["meeting"]
    table.decision_create(
        user=personas.coordinator, meeting=meeting, text_it="Riservata: trattativa in corso.", is_strategic=True
    )
    table.decision_create(user=personas.coordinator, meeting=meeting, text_it="Pubblica ma ordinaria.", is_public=True)
    year = meeting.starts_at.year

    def decisions() -> list[str]:
        (row,) = report_data(year=year, language="it")["meetings"]
        return [" ".join(d["text"]) for d in row["decisions"]]

    # Draft minutes: nothing of them is public yet.
    assert decisions() == []
    table.minutes_approve(user=personas.coordinator, meeting=meeting)
    assert decisions() == ["Si partecipa."]
