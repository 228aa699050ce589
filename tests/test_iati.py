"""IATI 2.03: the demo data validates against the official XSD; a broken
activity fails with a readable message; only published projects go out."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from relint.activities.models import Activity, ReviewState
from relint.opendata import iati

pytestmark = pytest.mark.django_db


def test_it_validates_the_demo_data(tmp_path):
    call_command("load_demo", verbosity=0)
    out = tmp_path / "iati.xml"
    call_command("export_iati", "--validate", "--output", str(out))
    document = etree.parse(str(out))
    activities = document.findall("iati-activity")
    assert activities
    assert all(a.findtext("iati-identifier").startswith("IT-CF-00514490010-") for a in activities)
    assert document.find("iati-activity/reporting-org").get("type") == "11"
    published = set(iati.iati_activities().values_list("uid", flat=True))
    assert {a.findtext("iati-identifier")[-36:] for a in activities} == {str(u) for u in published}
    assert not iati.iati_activities().exclude(review_state=ReviewState.ACCEPTED).exists()


def _project(personas, **extra):
    return Activity.objects.create(
        year=2024,
        kind="cooperation",
        title_it=extra.pop("title_it", "Acqua per Bethlehem"),
        description_it="Rete idrica nei villaggi.",
        lead_department=personas.department_a,
        review_state=extra.pop("review_state", ReviewState.ACCEPTED),
        status="ongoing",
        **extra,
    )


def test_it_fails_readably_without_a_start_date(personas, tmp_path):
    activity = _project(personas)
    out = tmp_path / "iati.xml"
    with pytest.raises(CommandError) as error:
        call_command("export_iati", "--validate", "--output", str(out))
    assert f"{activity.uid}: no start date" in str(error.value)
    assert "no description" not in str(error.value)
    assert not out.exists()


def test_it_fails_readably_on_a_schema_error(personas):
    _project(personas, start_date=datetime.date(2024, 1, 1))
    xml = iati.build().replace(b"<activity-status", b"<activity-state")
    with pytest.raises(iati.IatiError, match=r"line [0-9]+: .*activity-state"):
        iati.validate(xml)


def test_it_checks_percentages_and_identifier_prefix(personas):
    activity = _project(personas, start_date=datetime.date(2024, 1, 1))
    activity.countries.add("PS", "IL", "JO")
    xml = iati.build()
    iati.validate(xml)  # three shares 33.33 + 33.33 + 33.34
    broken = xml.replace(b'percentage="33.34"', b'percentage="30"').replace(
        b"<iati-identifier>IT-CF-", b"<iati-identifier>XX-"
    )
    with pytest.raises(iati.IatiError) as error:
        iati.validate(broken)
    assert "percentages sum to 96.66" in str(error.value)
    assert "does not start with the reporting organisation" in str(error.value)


def test_it_leaves_out_drafts_and_private_projects(personas):
    _project(personas, title_it="Bozza", review_state=ReviewState.DRAFT, start_date=datetime.date(2024, 1, 1))
    Activity.objects.create(
        year=2024,
        kind="cooperation",
        title_it="Riservato",
        lead_department=personas.department_a,
        review_state=ReviewState.ACCEPTED,
        is_public=False,
    )
    xml = iati.build().decode()
    assert "Bozza" not in xml and "Riservato" not in xml


def test_the_open_data_page_lists_the_iati_file_with_format_licence_and_date(client, personas):
    from django.utils import dateformat, timezone

    project = _project(personas, start_date=datetime.date(2024, 1, 1))
    updated = dateformat.format(timezone.localtime(project.updated_at), "c")
    for language in ("it", "en"):
        html = client.get(f"/{language}/open-data/").content.decode()
        (row,) = [r for r in html.split("<tr>") if f'href="/{language}/open-data/iati-activities.xml"' in r]
        assert "IATI 2.03" in row and ">XML<" in row and "CC BY 4.0" in row
        assert f'<time datetime="{updated}">' in row


def test_the_served_iati_file_is_the_validated_one(client, personas):
    call_command("load_demo", verbosity=0)
    response = client.get("/it/open-data/iati-activities.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    iati.validate(response.content)
    served = {a.findtext("iati-identifier") for a in etree.fromstring(response.content).iter("iati-activity")}
    published = {f"{iati.reporting_org_ref()}-{uid}" for uid in iati.iati_activities().values_list("uid", flat=True)}
    assert served == published
    assert client.post("/it/open-data/iati-activities.xml").status_code == 405


def test_the_served_iati_file_leaves_out_drafts_and_private_projects(client, personas):
    _project(personas, title_it="Bozza", review_state=ReviewState.DRAFT, start_date=datetime.date(2024, 1, 1))
    _project(personas, title_it="Riservato", is_public=False, start_date=datetime.date(2024, 1, 1))
    xml = client.get("/en/open-data/iati-activities.xml").content.decode()
    assert "<iati-activities" in xml
    assert "Bozza" not in xml and "Riservato" not in xml
