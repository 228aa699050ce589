"""One flat record per activity, shared by the snapshot of an accepted
activity, the exports, the API and the report.

A record holds only JSON-friendly values: strings, numbers, booleans, None
and lists of strings. Related rows are named, not nested, so the same record
fits a CSV row (lists joined) and a JSON object.
"""

from __future__ import annotations

from decimal import Decimal

from relint.activities.models import Activity

# Fields copied as they are.
_SCALARS = (
    "year",
    "kind",
    "title_it",
    "title_en",
    "description_it",
    "description_en",
    "results_it",
    "results_en",
    "status",
    "start_precision",
    "end_precision",
    "dac_sector",
    "iati_publish",
    "is_public",
    "review_state",
)


def activity_record(activity: Activity) -> dict:
    """The flat record of an activity.

    Reads its related rows through the prefetch cache when there is one:
    callers serialising many activities prefetch `ACTIVITY_RECORD_PREFETCH`.
    """
    record: dict = {"uid": str(activity.uid)}
    for name in _SCALARS:
        record[name] = getattr(activity, name)
    record["start_date"] = activity.start_date.isoformat() if activity.start_date else None
    record["end_date"] = activity.end_date.isoformat() if activity.end_date else None
    record["lead_department"] = activity.lead_department.code
    record["departments"] = sorted(d.code for d in activity.departments.all())
    record["countries"] = sorted(c.iso2 for c in activity.countries.all())
    record["sdgs"] = sorted(g.number for g in activity.sdgs.all())
    record["programme"] = activity.programme.code if activity.programme_id else None
    record["partner_cities"] = sorted(
        f"{link.city.name_it} ({link.city.country_id}): {link.role}" for link in activity.city_links.all()
    )
    record["partner_organisations"] = sorted(
        f"{link.organisation.name}: {link.role}" for link in activity.organisation_links.all()
    )
    record["funding"] = [
        f"{line.source}|{line.programme.code if line.programme_id else ''}|{line.amount}"
        for line in activity.funding_lines.all()
    ]
    record["funding_total"] = str(sum((line.amount for line in activity.funding_lines.all()), Decimal("0")))
    record["links"] = [link.url for link in activity.links.all()]
    return record


ACTIVITY_RECORD_PREFETCH = (
    "departments",
    "countries",
    "sdgs",
    "city_links__city",
    "organisation_links__organisation",
    "funding_lines__programme",
    "links",
)
