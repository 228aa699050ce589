"""Query counts of the activity pages: the same for 20 and 2,000
activities (and for few or many partners on the detail page)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relint.activities.models import Activity, ActivityPartnerCity, FundingLine, ReportingRound, RoundState
from relint.partners.models import PartnerCity

pytestmark = pytest.mark.django_db


def _bulk(personas, count: int) -> None:
    Activity.objects.bulk_create(
        [
            Activity(
                year=2025,
                kind="exchange",
                title_it=f"Attività {i:05d}",
                lead_department=personas.department_a if i % 2 else personas.department_b,
                review_state="submitted" if i % 3 else "draft",
                start_date=datetime.date(2025, 1, 1),
            )
            for i in range(count)
        ]
    )


def _queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["coordinator", "editor_a"])
@pytest.mark.parametrize("query", [{}, {"q": "Attività", "kind": "exchange", "year": "2025"}, {"page": "2"}])
def test_the_list_costs_the_same_for_20_and_2000_activities(client, personas, persona, query):
    client.force_login(getattr(personas, persona))
    _bulk(personas, 20)
    few = _queries(client, reverse("activities:list"), query)
    _bulk(personas, 1980)
    many = _queries(client, reverse("activities:list"), query)
    assert few == many


def test_the_round_page_costs_the_same_for_20_and_2000_activities(client, personas):
    reporting_round = ReportingRound.objects.create(
        year=2025, deadline=datetime.date(2025, 12, 31), state=RoundState.OPEN
    )
    client.force_login(personas.coordinator)
    _bulk(personas, 20)
    few = _queries(client, reverse("rounds:detail", args=[reporting_round.pk]))
    _bulk(personas, 1980)
    many = _queries(client, reverse("rounds:detail", args=[reporting_round.pk]))
    assert few == many


def test_the_detail_page_costs_the_same_for_few_and_many_partners(client, personas):
    client.force_login(personas.coordinator)
    activity = Activity.objects.create(
        year=2025, kind="exchange", title_it="Con partner", lead_department=personas.department_a
    )

    def add(count: int, start: int) -> None:
        cities = PartnerCity.objects.bulk_create(
            [PartnerCity(name_it=f"Città {i}", country_id="FR") for i in range(start, start + count)]
        )
        ActivityPartnerCity.objects.bulk_create([ActivityPartnerCity(activity=activity, city=c) for c in cities])
        FundingLine.objects.bulk_create([FundingLine(activity=activity, source="eu", amount=i) for i in range(count)])

    add(2, 0)
    few = _queries(client, reverse("activities:detail", args=[activity.pk]))
    add(40, 100)
    many = _queries(client, reverse("activities:detail", args=[activity.pk]))
    assert few == many


def test_the_edit_page_costs_the_same_for_few_and_many_rows(client, personas):
    from relint.partners.models import Organisation

    client.force_login(personas.coordinator)
    activity = Activity.objects.create(
        year=2025, kind="exchange", title_it="Righe", lead_department=personas.department_a
    )
    organisations = Organisation.objects.bulk_create([Organisation(name=f"Org {i}", kind="ngo") for i in range(30)])

    def add(count: int, start: int) -> None:
        FundingLine.objects.bulk_create(
            [
                FundingLine(activity=activity, source="eu", amount=i, funder=organisations[i])
                for i in range(start, start + count)
            ]
        )

    add(1, 0)
    few = _queries(client, reverse("activities:edit", args=[activity.pk]))
    add(20, 1)
    many = _queries(client, reverse("activities:edit", args=[activity.pk]))
    assert few == many
    # Each row shows its own funder (a text field with suggestions).
    page = client.get(reverse("activities:edit", args=[activity.pk])).text
    assert 'value="Org 5"' in page and 'value="Org 20"' in page


def test_the_text_search_can_use_the_trigram_indexes_on_postgresql(personas):
    """decisions.md, entry 29: the indexes exist, and their expression is
    the one Django's `icontains` writes, so the planner can answer the
    search from them. Plain scans are switched off for the EXPLAIN: on a
    small test table the planner rightly prefers reading it all, and the
    question here is whether the indexes can serve the query at all (a
    bitmap scan of each, OR-ed)."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm and GIN indexes are PostgreSQL's; SQLite scans (decisions.md, entry 29)")
    from django.db import transaction

    from relint.activities.selectors import ActivityFilters, activity_list

    _bulk(personas, 50)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'activities_activity'")
        names = {name for (name,) in cursor.fetchall()}
    columns = ("title_it", "title_en", "description_it", "description_en")
    assert {f"activities_{column}_trgm" for column in columns} <= names
    queryset = activity_list(personas.coordinator, ActivityFilters(text="ttivit"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE activities_activity")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert all(f"activities_{column}_trgm" in plan for column in columns), plan
    assert queryset.count() == 50
