"""The demo data (`load_demo`) and the synthetic data generator (`generate_synthetic`).

The demo is loaded once for the module, inside a transaction rolled back at the
end; each test still runs in its own savepoint, so tests that change the data
(reset, reload) leave the next ones the same demo.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from relint.activities.models import (
    Activity,
    ActivityKind,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    FundingLine,
    ReportingRound,
    ReviewState,
    RoundState,
)
from relint.activities.serializers import activity_record
from relint.coordination.models import ActionItem, ActionStatus, Decision, Meeting, MeetingState, MinutesState
from relint.core import demo
from relint.departments.models import Department, Role, StaffRole
from relint.partners.models import (
    Agreement,
    CityRelation,
    Organisation,
    OrganisationKind,
    PartnerCity,
    ProfitKind,
    RelationKind,
    RelationState,
)
from relint.reports.models import ReportForeword

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", interactive=False, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Load the demo once for the module; roll it back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = _load()
        yield output
        transaction.set_rollback(True)


def _digest() -> str:
    """A fingerprint of the demo's content, independent of primary keys."""
    rows = sorted(
        Activity.objects.values_list(
            "year", "title_it", "title_en", "description_it", "results_it", "review_state", "status", "start_date"
        )
    )
    rows += sorted(FundingLine.objects.values_list("activity__title_it", "activity__year", "source", "amount"))
    rows += sorted(PartnerCity.objects.values_list("uid", "name_it", "latitude", "longitude"))
    rows += sorted(CityRelation.objects.values_list("city__name_it", "kind", "signed_on", "state"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# --- Volumes and coverage ------------------------------------------------------------------------
def test_it_loads_partner_cities_on_every_inhabited_continent(demo_output):
    cities = PartnerCity.objects.select_related("country")
    assert 18 <= cities.count() <= 25
    assert len({city.country.continent for city in cities}) >= 6
    assert all(city.geonames_id and city.latitude is not None and city.name_en for city in cities)
    lyon = PartnerCity.objects.get(geonames_id=2996944)
    assert (lyon.name_it, lyon.country_id) == ("Lione", "FR")

    relations = CityRelation.objects.all()
    assert {r.kind for r in relations} == set(RelationKind.values)
    assert {r.state for r in relations} == set(RelationState.values)
    assert relations.filter(signed_precision="year").exclude(notes="").exists()
    assert relations.exclude(ratified_by="").exclude(deliberation_ref="").filter(ratified_on__isnull=False).exists()
    # Some cities have several relations over time.
    several = [city for city in cities if city.relations.count() > 1]
    assert len(several) >= 5


def test_it_loads_organisations_of_every_kind_with_the_seed_committees(demo_output):
    organisations = Organisation.objects.all()
    assert 55 <= organisations.count() <= 70
    assert {o.kind for o in organisations} == set(OrganisationKind.values)
    city_owned = organisations.filter(kind=OrganisationKind.CITY_OWNED)
    assert {o.profit_kind for o in city_owned} == {ProfitKind.PROFIT, ProfitKind.NON_PROFIT}

    cittadella = Organisation.objects.get(name="Comitato per la Cittadella delle Civiltà")
    assert cittadella.kind == OrganisationKind.COMMITTEE
    assert cittadella.memberships.filter(joined_year__isnull=False).count() >= 10
    assert Organisation.objects.get(acronym="COP").kind == OrganisationKind.COMMITTEE

    convention = Agreement.objects.get(parties__organisation=cittadella)
    assert convention.signed_on.year == 2004 and convention.deliberation_ref
    assert 13 <= Agreement.objects.count() <= 18
    assert all(agreement.parties.exists() for agreement in Agreement.objects.all())


def test_it_loads_activities_over_three_years_for_every_department_and_kind(demo_output):
    activities = Activity.objects.all()
    assert 140 <= activities.count() <= 160
    assert set(activities.values_list("year", flat=True)) == {2023, 2024, 2025}
    assert set(activities.values_list("lead_department__code", flat=True)) == set(
        Department.objects.values_list("code", flat=True)
    )
    assert Department.objects.count() == 16
    assert set(activities.values_list("kind", flat=True)) == set(ActivityKind.values)

    assert activities.filter(copied_from__isnull=False).count() >= 20
    assert activities.filter(is_public=False).exists()
    assert activities.exclude(title_en="").exclude(description_en="").exists()
    cooperation = activities.filter(kind=ActivityKind.COOPERATION)
    assert all(re.fullmatch(r"\d{5}", a.dac_sector) for a in cooperation)
    assert cooperation.filter(iati_publish=True).exists()
    assert ActivityPartnerCity.objects.values("role").distinct().count() >= 2
    assert ActivityPartnerOrganisation.objects.values("role").distinct().count() == 4
    assert FundingLine.objects.filter(source="eu", programme__level="eu").exists()
    assert FundingLine.objects.filter(source="region").exists()
    assert activities.filter(sdgs__isnull=False).distinct().count() == activities.count()
    assert {a.start_precision for a in activities} == {"day", "month", "year"}


def test_the_open_round_has_every_review_state_and_consistent_review_events(demo_output):
    assert ReportingRound.objects.get(year=2025).state == RoundState.OPEN
    assert set(ReportingRound.objects.filter(year__in=[2023, 2024]).values_list("state", flat=True)) == {
        RoundState.CLOSED
    }
    open_year = Activity.objects.filter(year=2025)
    assert set(open_year.values_list("review_state", flat=True)) == set(ReviewState.values)
    assert not Activity.objects.filter(year__lt=2025).exclude(review_state=ReviewState.ACCEPTED).exists()

    people = {StaffRole.objects.get(role=Role.COORDINATOR).user_id} | set(
        StaffRole.objects.filter(role=Role.EDITOR).values_list("user_id", flat=True)
    )
    for activity in Activity.objects.prefetch_related("review_events"):
        events = sorted(activity.review_events.all(), key=lambda e: (e.at, e.pk))
        if activity.review_state == ReviewState.DRAFT:
            assert not events
        else:
            assert events[-1].to_state == activity.review_state
            assert events[0].from_state == ReviewState.DRAFT
            assert all(a.to_state == b.from_state for a, b in itertools.pairwise(events))
            assert {e.actor_id for e in events} <= people
        if activity.review_state == ReviewState.RETURNED:
            assert activity.review_comment and events[-1].comment == activity.review_comment
        if activity.review_state == ReviewState.ACCEPTED:
            # The shape relint.activities.services stores on acceptance.
            assert activity.accepted_snapshot == activity_record(activity)
            assert activity.version == events[-1].activity_version >= 3
        else:
            assert activity.accepted_snapshot is None


def test_the_coordination_table_has_meetings_decisions_and_actions_of_every_status(demo_output):
    meetings = Meeting.objects.all()
    assert 4 <= meetings.count() <= 6
    for meeting in meetings.filter(state=MeetingState.HELD):
        assert meeting.minutes_state == MinutesState.APPROVED
        assert meeting.minutes_approved_at and meeting.minutes_approved_by_id
        assert meeting.attendances.exists() and meeting.invited_departments.exists()
    assert meetings.exclude(state=MeetingState.HELD).exists()
    assert Decision.objects.filter(is_strategic=True).exists()
    assert Decision.objects.public().exists()
    actions = ActionItem.objects.all()
    assert set(actions.values_list("status", flat=True)) == set(ActionStatus.values)
    assert all(a.completed_on for a in actions.filter(status=ActionStatus.DONE))
    assert actions.filter(activities__isnull=False).exists()
    assert set(ReportForeword.objects.values_list("year", flat=True)) == {2023, 2024, 2025}


def test_the_demo_departments_have_delegations_and_delegates(demo_output):
    assert Department.objects.filter(delegation__isnull=True).count() == 0
    assert Department.objects.filter(delegation__kind="assessor").count() >= 8
    environment = Department.objects.get(code="AMBIENTE")
    assert environment.table_memberships.get().delegates.filter(username="redattore.ambiente").exists()


# --- Logins, idempotency, determinism ----------------------------------------------------------------
def test_the_printed_logins_authenticate_with_their_roles(demo_output):
    assert "http://127.0.0.1:8000/" in demo_output
    logins = re.findall(r"^\s+([a-z]+(?:\.[a-z]+)?)\s+(Torino-\S+)\s", demo_output, flags=re.MULTILINE)
    assert {username for username, _ in logins} == {
        "coordinatore",
        "redattore.ambiente",
        "redattore.cultura",
        "lettore.cooperazione",
    }
    request = RequestFactory().post("/")
    for username, password in logins:
        user = authenticate(request, username=username, password=password)
        assert user is not None, username
        assert user.is_staff
    assert StaffRole.objects.get(user__username="coordinatore").role == Role.COORDINATOR
    assert StaffRole.objects.get(user__username="redattore.ambiente").department.code == "AMBIENTE"
    assert StaffRole.objects.get(user__username="redattore.cultura").department.code == "CULTURA"
    assert StaffRole.objects.get(user__username="lettore.cooperazione").role == Role.VIEWER


def test_loading_it_twice_changes_nothing(demo_output):
    before, digest = demo.counts(), _digest()
    output = _load()
    assert "già caricata" in output and "already loaded" in output
    assert "coordinatore" in output  # the logins are printed again
    assert demo.counts() == before
    assert _digest() == digest


def test_it_prints_the_address_it_is_given(demo_output):
    output = _load(url="http://127.0.0.1:8765/")
    assert "http://127.0.0.1:8765/" in output
    assert "8000" not in output


def test_it_is_deterministic_across_a_reset(demo_output):
    before, digest = demo.counts(), _digest()
    users = get_user_model().objects.count()
    output = _load(reset=True)
    assert "Demo caricata" in output
    assert demo.counts() == before
    assert _digest() == digest
    assert get_user_model().objects.count() == users


def test_a_failed_load_leaves_the_database_as_it_was(demo_output, monkeypatch):
    before, digest = demo.counts(), _digest()

    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo._Loader, "load_forewords", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _load(reset=True)
    assert demo.counts() == before
    assert _digest() == digest


def test_reset_asks_for_confirmation(demo_output, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("load_demo", reset=True, stdout=io.StringIO())
    assert Activity.objects.exists()


def test_every_object_passes_full_clean(demo_output):
    domain_apps = ("departments", "partners", "activities", "coordination", "reports")
    checked = 0
    for app_label in domain_apps:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            # A few of each: the first, the last and some in between.
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for pk in sorted(set(pks[:3] + pks[-3:] + pks[:: max(len(pks) // 4, 1)])):
                model.objects.get(pk=pk).full_clean()
                checked += 1
    for user in get_user_model().objects.all():
        user.full_clean()
    assert checked > 100


# --- Synthetic data --------------------------------------------------------------------------------
def _synthetic(activities: int, seed: int) -> list[Activity]:
    last = Activity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out = io.StringIO()
    call_command("generate_synthetic", activities=activities, seed=seed, stdout=out)
    assert f"{activities:,}/{activities:,}" in out.getvalue()  # progress shown
    return list(Activity.objects.filter(pk__gt=last).order_by("pk"))


def test_generate_synthetic_creates_activities_with_their_links():
    created = _synthetic(500, seed=1)
    assert len(created) == 500
    ids = [a.pk for a in created]
    assert set(
        Activity.countries.through.objects.filter(activity_id__in=ids).values_list("activity_id", flat=True)
    ) == set(ids)
    assert set(Activity.sdgs.through.objects.filter(activity_id__in=ids).values_list("activity_id", flat=True)) == set(
        ids
    )
    assert set(FundingLine.objects.filter(activity_id__in=ids).values_list("activity_id", flat=True)) == set(ids)
    assert Activity.departments.through.objects.filter(activity_id__in=ids).exists()
    assert ActivityPartnerCity.objects.filter(activity_id__in=ids).exists()
    assert ActivityPartnerOrganisation.objects.filter(activity_id__in=ids).exists()
    assert {a.year for a in created} == {2023, 2024, 2025}
    assert {a.kind for a in created} == set(ActivityKind.values)
    states = [a.review_state for a in created]
    assert states.count(ReviewState.ACCEPTED) > len(states) / 2
    assert PartnerCity.objects.filter(name_it__startswith="Città sintetica ").count() == 200
    assert Organisation.objects.filter(name__startswith="Organizzazione sintetica ").count() == 500

    for activity in created[:: len(created) // 10]:
        activity.full_clean()
    accepted = [a for a in created if a.review_state == ReviewState.ACCEPTED]
    for activity in accepted[:: len(accepted) // 20]:
        assert activity.accepted_snapshot == activity_record(activity)
    assert all(a.accepted_snapshot is None for a in created if a.review_state != ReviewState.ACCEPTED)
    for model in (ActivityPartnerCity, ActivityPartnerOrganisation, FundingLine):
        for row in model.objects.filter(activity_id__in=ids)[:5]:
            row.full_clean()
    for city in PartnerCity.objects.filter(name_it__startswith="Città sintetica ")[:5]:
        city.full_clean()
    for organisation in Organisation.objects.filter(name__startswith="Organizzazione sintetica ")[:10]:
        organisation.full_clean()


def test_generate_synthetic_is_deterministic_for_a_seed():
    first = [(a.title_it, a.year, a.kind, a.review_state) for a in _synthetic(200, seed=7)]
    second = [(a.title_it, a.year, a.kind, a.review_state) for a in _synthetic(200, seed=7)]
    other = [(a.title_it, a.year, a.kind, a.review_state) for a in _synthetic(200, seed=8)]
    assert first == second
    assert first != other
    # The pool is reused, not duplicated.
    assert PartnerCity.objects.filter(name_it__startswith="Città sintetica ").count() == 200


def test_load_demo_refuses_to_mix_with_other_data():
    demo.reset()  # whether or not the module's demo is loaded in this savepoint
    call_command("generate_synthetic", activities=10, seed=1, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--reset"):
        _load()
    assert not get_user_model().objects.filter(username=demo.MARKER_USERNAME).exists()
