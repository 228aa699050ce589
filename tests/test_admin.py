"""The admin, the staff's stopgap until the workspace covers everything.

Every page renders in both languages, changelists run as many queries for a
thousand rows as for ten, departments see only their own activities, and a
save never overwrites someone else's newer one.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from relint.activities.admin import ActivityAdminForm
from relint.activities.models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    ActivityLink,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    FundingLine,
    FundingProgramme,
    FundingSource,
    PartnerRole,
    ReportingRound,
    ReviewEvent,
    ReviewState,
    RoundState,
)
from relint.coordination.models import ActionItem, AgendaItem, Attendance, AttendanceStatus, Decision, Meeting
from relint.core.conflicts import EditConflictError
from relint.core.models import Country
from relint.departments import permissions
from relint.departments.models import Department, Role, StaffRole
from relint.departments.services import (
    COORDINATORS,
    DEPARTMENT_STAFF,
    staff_access_grant,
    staff_groups_setup,
    staff_user_create,
)
from relint.partners.models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    OrganisationKind,
    PartnerCity,
    RelationKind,
)
from relint.reports.models import AnnualReport, ReportForeword, ReportState

YEAR = 2025
LANGUAGES = ["it", "en"]
DOMAIN_APPS = ("core", "accounts", "departments", "partners", "activities", "coordination", "reports")


def model_url(model, view: str, *args, language: str = "it") -> str:
    opts = model._meta
    with translation.override(language):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def admin_index(language: str = "it") -> str:
    with translation.override(language):
        return reverse("admin:index")


def as_staff(client, user):
    """Sign in a persona with the admin access its roles give."""
    staff_access_grant(user=user)
    client.force_login(user)


def listed(response) -> list:
    return list(response.context["cl"].result_list)


# --- One of everything -------------------------------------------------------------------------
@pytest.fixture
def world(personas):
    """At least one row of every domain model, linked the way real data is."""
    a, b = personas.department_a, personas.department_b
    france = Country.objects.get(iso2="FR")
    lyon = PartnerCity.objects.create(name_it="Lione", name_en="Lyon", country=france, region="Rodano")
    CityRelation.objects.create(city=lyon, kind=RelationKind.TWINNING, signed_on=datetime.date(1986, 5, 1))
    committee = Organisation.objects.create(name="Comitato Cittadella delle Civiltà", kind=OrganisationKind.COMMITTEE)
    ngo = Organisation.objects.create(
        name="Organizzazione Esempio", acronym="OE", kind=OrganisationKind.NGO, country=france, city=lyon
    )
    CommitteeMembership.objects.create(committee=committee, member=ngo, joined_year=2004)
    agreement = Agreement.objects.create(
        kind=AgreementKind.CONVENTION,
        title_it="Convenzione Cittadella delle Civiltà",
        signed_on=datetime.date(2004, 6, 1),
        lead_department=a,
    )
    AgreementParty.objects.create(agreement=agreement, organisation=committee)
    AgreementDocument.objects.create(agreement=agreement, title="Testo firmato", file="agreements/x/testo.pdf")
    ContactPerson.objects.create(first_name="Jeanne", last_name="Martin", organisation=ngo, city=lyon)

    programme = FundingProgramme.objects.get(code="fesr")
    activity = Activity.objects.create(
        year=YEAR,
        kind=ActivityKind.EU_PROJECT,
        title_it="Rete verde europea",
        lead_department=a,
        programme=programme,
        start_date=datetime.date(YEAR, 2, 1),
    )
    activity.departments.add(b)
    activity.countries.add(france)
    activity.sdgs.add(11)
    ActivityPartnerCity.objects.create(activity=activity, city=lyon, role=PartnerRole.LEAD)
    ActivityPartnerOrganisation.objects.create(activity=activity, organisation=ngo)
    FundingLine.objects.create(
        activity=activity, source=FundingSource.EU, programme=programme, amount=Decimal("12000.00")
    )
    ActivityLink.objects.create(activity=activity, url="https://example.org/rete-verde", label="Sito")
    ActivityAttachment.objects.create(
        activity=activity, title="Relazione", file="activities/x/relazione.pdf", uploaded_by=personas.editor_a
    )
    ReviewEvent.objects.create(
        activity=activity,
        from_state=ReviewState.DRAFT,
        to_state=ReviewState.SUBMITTED,
        actor=personas.editor_a,
        activity_version=1,
    )
    ReportingRound.objects.create(
        year=YEAR, deadline=datetime.date(YEAR + 1, 3, 31), state=RoundState.OPEN, opened_at=timezone.now()
    )

    starts = timezone.make_aware(datetime.datetime(YEAR, 4, 10, 10, 0))
    meeting = Meeting.objects.create(
        title="Tavolo di primavera", starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    meeting.invited_departments.add(a, b)
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Rapporto annuale", proposed_by_department=a)
    Attendance.objects.create(meeting=meeting, department=a, person=personas.editor_a, status=AttendanceStatus.PRESENT)
    decision = Decision.objects.create(meeting=meeting, agenda_item=item, text_it="Calendario approvato.")
    action = ActionItem.objects.create(
        meeting=meeting, decision=decision, title="Inviare le schede", owner_department=a, due_on=starts.date()
    )
    action.activities.add(activity)

    ReportForeword.objects.create(year=YEAR, text_it="Premessa.", signed_by="La coordinatrice")
    AnnualReport.objects.create(
        year=YEAR, language="it", state=ReportState.READY, sha256="0" * 64, built_by=personas.admin
    )
    staff_groups_setup()
    return SimpleNamespace(activity=activity, city=lyon, ngo=ngo, committee=committee, meeting=meeting)


# --- Every page renders ----------------------------------------------------------------------------
def test_it_registers_every_domain_model(db):
    registered = set(admin.site._registry)
    missing = [
        model._meta.label
        for app_label in DOMAIN_APPS
        for model in apps.get_app_config(app_label).get_models()
        if not issubclass(model, HistoricalChanges) and model not in registered
    ]
    assert missing == []
    # Whatever keeps a history shows it.
    without_history = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if hasattr(model, "history") and not isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert without_history == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_renders_every_changelist_and_add_page(client, personas, world, language):
    client.force_login(personas.admin)
    request = RequestFactory().get("/")
    request.user = personas.admin
    for model, model_admin in admin.site._registry.items():
        response = client.get(model_url(model, "changelist", language=language))
        assert response.status_code == 200, model._meta.label
        if model._default_manager.exists():
            assert response.context["cl"].result_count > 0, model._meta.label
        if model_admin.search_fields:
            response = client.get(model_url(model, "changelist", language=language), {"q": "2025 Lione"})
            assert response.status_code == 200, model._meta.label

        response = client.get(model_url(model, "add", language=language))
        # Review events and the rows of an activity are written elsewhere.
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert response.status_code == expected, model._meta.label


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_renders_the_change_and_history_page_of_every_object(client, personas, world, language):
    client.force_login(personas.admin)
    checked = []
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        response = client.get(model_url(model, "change", obj.pk, language=language))
        assert response.status_code == 200, model._meta.label
        if isinstance(model_admin, SimpleHistoryAdmin):
            response = client.get(model_url(model, "history", obj.pk, language=language))
            assert response.status_code == 200, model._meta.label
        checked.append(model)
    # The fixture's rows were all reached.
    assert {Activity, ActivityAttachment, Meeting, ActionItem, Agreement, AnnualReport, Group} <= set(checked)


def test_it_shows_the_activity_inlines(client, personas, world):
    client.force_login(personas.admin)
    response = client.get(model_url(Activity, "change", world.activity.pk))
    inlines = {inline.formset.model for inline in response.context["inline_admin_formsets"]}
    assert inlines == {
        ActivityPartnerCity,
        ActivityPartnerOrganisation,
        FundingLine,
        ActivityLink,
        ActivityAttachment,
        ReviewEvent,
    }
    review_events = next(i for i in response.context["inline_admin_formsets"] if i.formset.model is ReviewEvent)
    assert not review_events.has_add_permission
    assert not review_events.has_change_permission
    assert 'name="loaded_version"' in response.content.decode()


def test_it_shows_members_only_on_a_committee(client, personas, world):
    client.force_login(personas.admin)
    committee = client.get(model_url(Organisation, "change", world.committee.pk))
    ngo = client.get(model_url(Organisation, "change", world.ngo.pk))
    assert [i.formset.model for i in committee.context["inline_admin_formsets"]] == [CommitteeMembership]
    assert ngo.context["inline_admin_formsets"] == []


def test_it_offers_a_decision_only_the_agenda_items_of_its_meeting(client, personas, world):
    starts = world.meeting.starts_at + datetime.timedelta(days=30)
    other = Meeting.objects.create(
        title="Tavolo d'estate", starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
    )
    AgendaItem.objects.create(meeting=other, title="Altro punto")
    client.force_login(personas.admin)

    response = client.get(model_url(Meeting, "change", world.meeting.pk))

    decisions = next(i for i in response.context["inline_admin_formsets"] if i.formset.model is Decision)
    offered = decisions.formset.forms[0].fields["agenda_item"].queryset
    assert [item.title for item in offered] == ["Rapporto annuale"]


def test_it_keeps_a_published_report_unchanged(client, personas, world):
    report = AnnualReport.objects.get()
    AnnualReport.objects.filter(pk=report.pk).update(state=ReportState.PUBLISHED, published_at=timezone.now())
    client.force_login(personas.admin)

    response = client.get(model_url(AnnualReport, "change", report.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert client.post(model_url(AnnualReport, "change", report.pk), {"year": 1999}).status_code == 403
    assert client.get(model_url(AnnualReport, "delete", report.pk)).status_code == 403


def test_it_sends_an_anonymous_visitor_to_the_login(client, world):
    for url in (model_url(Activity, "changelist"), model_url(Activity, "change", world.activity.pk)):
        response = client.get(url)
        assert response.status_code == 302
        with translation.override("it"):
            assert response["Location"].startswith(reverse("admin:login") + "?next=")


# --- Queries do not grow with the rows -----------------------------------------------------------------
def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _bulk_activities(departments, count: int, start: int) -> None:
    lead, other = departments
    cities = PartnerCity.objects.bulk_create(
        PartnerCity(name_it=f"Città {start + index}", country_id="FR") for index in range(count)
    )
    activities = Activity.objects.bulk_create(
        Activity(
            year=YEAR - index % 3,
            kind=ActivityKind.EXCHANGE,
            title_it=f"Attività {start + index}",
            lead_department=lead if index % 2 else other,
            review_state=ReviewState.DRAFT,
        )
        for index in range(count)
    )
    Activity.departments.through.objects.bulk_create(
        Activity.departments.through(activity_id=activity.pk, department_id=(other if index % 2 else lead).pk)
        for index, activity in enumerate(activities)
    )
    ActivityPartnerCity.objects.bulk_create(
        ActivityPartnerCity(activity=activity, city=city) for activity, city in zip(activities, cities, strict=True)
    )
    CityRelation.objects.bulk_create(CityRelation(city=city, kind=RelationKind.FRIENDSHIP) for city in cities)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organizzazione {start + index}", kind=OrganisationKind.NGO, country_id="FR", city=city)
        for index, city in enumerate(cities)
    )
    ActivityPartnerOrganisation.objects.bulk_create(
        ActivityPartnerOrganisation(activity=activity, organisation=organisation)
        for activity, organisation in zip(activities, organisations, strict=True)
    )


@pytest.mark.parametrize("persona", ["admin", "coordinator", "editor_a"])
def test_it_runs_as_many_queries_for_1000_rows_as_for_10(client, personas, persona):
    as_staff(client, getattr(personas, persona))
    departments = (personas.department_a, personas.department_b)
    urls = [model_url(model, "changelist") for model in (Activity, PartnerCity, Organisation)]

    _bulk_activities(departments, 10, 0)
    for url in urls:
        client.get(url)  # warm the per-process caches (content types, site)
    few = {url: _count_queries(client, url) for url in urls}

    _bulk_activities(departments, 990, 10)
    assert Activity.objects.count() == 1000
    many = {url: _count_queries(client, url) for url in urls}

    assert many == few


# --- Departments see their own --------------------------------------------------------------------------
def _activity(department, title: str, **fields) -> Activity:
    return Activity.objects.create(
        year=YEAR, kind=ActivityKind.EVENT, title_it=title, lead_department=department, **fields
    )


def test_it_lists_only_the_editors_departments_activities(client, personas):
    own = _activity(personas.department_a, "Festa degli alberi")
    involved = _activity(personas.department_b, "Mostra sul clima")
    involved.departments.add(personas.department_a)
    other = _activity(personas.department_b, "Festival del cinema")
    as_staff(client, personas.editor_a)

    response = client.get(model_url(Activity, "changelist"))

    assert response.status_code == 200
    assert set(listed(response)) == {own, involved}
    assert other.title_it not in response.content.decode()


def test_it_redirects_an_editor_away_from_another_departments_activity(client, personas):
    other = _activity(personas.department_b, "Festival del cinema")
    as_staff(client, personas.editor_a)

    for view in ("change", "history", "delete"):
        response = client.get(model_url(Activity, view, other.pk))
        # Outside the admin's queryset, so "does not exist" (history: forbidden).
        assert response.status_code in (302, 403), view
        if response.status_code == 302:
            assert response["Location"] == admin_index()
        assert other.title_it not in response.content.decode()

    response = client.post(model_url(Activity, "change", other.pk), {"title_it": "Preso"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.title_it == "Festival del cinema"


def test_it_lets_the_editor_change_their_draft_and_raises_the_version(client, personas):
    activity = _activity(personas.department_a, "Festa degli alberi")
    as_staff(client, personas.editor_a)
    page = client.get(model_url(Activity, "change", activity.pk))
    assert page.context["has_change_permission"]

    data = _form_data(page)
    data["title_it"] = "Festa degli alberi 2025"
    response = client.post(model_url(Activity, "change", activity.pk), data)

    assert response.status_code == 302, _errors(response)
    activity.refresh_from_db()
    assert activity.title_it == "Festa degli alberi 2025"
    assert activity.version == 2
    assert activity.history.first().history_user == personas.editor_a


def test_it_shows_the_editor_a_submitted_activity_read_only(client, personas):
    activity = _activity(personas.department_a, "Festa degli alberi", review_state=ReviewState.SUBMITTED)
    involved = _activity(personas.department_b, "Mostra sul clima")
    involved.departments.add(personas.department_a)
    as_staff(client, personas.editor_a)

    for locked in (activity, involved):
        response = client.get(model_url(Activity, "change", locked.pk))
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
        assert 'name="title_it"' not in response.content.decode()
        response = client.post(model_url(Activity, "change", locked.pk), {"title_it": "Cambiato"})
        assert response.status_code == 403


def test_it_offers_the_editor_only_their_departments_as_lead(client, personas):
    as_staff(client, personas.editor_a)
    page = client.get(model_url(Activity, "add"))
    choices = page.context["adminform"].form.fields["lead_department"].queryset
    assert list(choices) == [personas.department_a]
    assert "review_state" not in page.context["adminform"].form.fields

    data = {
        "year": YEAR,
        "kind": ActivityKind.EVENT,
        "title_it": "Intrusione",
        "lead_department": personas.department_b.pk,
        "status": "planned",
        "start_precision": "day",
        "end_precision": "day",
        **_empty_inlines(page),
    }
    response = client.post(model_url(Activity, "add"), data)
    assert response.status_code == 200
    assert "lead_department" in response.context["adminform"].form.errors

    data["lead_department"] = personas.department_a.pk
    response = client.post(model_url(Activity, "add"), data)
    assert response.status_code == 302, _errors(response)
    created = Activity.objects.get(title_it="Intrusione")
    assert created.created_by == personas.editor_a
    assert created.review_state == ReviewState.DRAFT
    assert created.version == 1


def test_it_lets_the_editor_use_every_autocomplete_of_the_activity_form(client, personas, world):
    other = _activity(personas.department_b, "Festival del cinema")
    as_staff(client, personas.editor_a)
    assert client.get(admin_index()).status_code == 200
    model_admin = admin.site._registry[Activity]
    sources = [(Activity, model_admin.autocomplete_fields)] + [
        (inline.model, inline.autocomplete_fields) for inline in model_admin.inlines
    ]
    with translation.override("it"):
        url = reverse("admin:autocomplete")
    for model, fields in sources:
        for field in fields:
            params = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field}
            response = client.get(url, params)
            assert response.status_code == 200, (model, field)
            assert response.json()["results"], (model, field)

    params = {"app_label": "activities", "model_name": "activity", "field_name": "copied_from", "term": "i"}
    offered = {result["text"] for result in client.get(url, params).json()["results"]}
    assert str(world.activity) in offered
    assert str(other) not in offered


def test_it_lets_a_viewer_read_but_not_change(client, personas):
    activity = _activity(personas.department_a, "Festa degli alberi")
    as_staff(client, personas.viewer_a)

    assert listed(client.get(model_url(Activity, "changelist"))) == [activity]
    response = client.get(model_url(Activity, "change", activity.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert 'name="title_it"' not in response.content.decode()
    assert client.get(model_url(Activity, "add")).status_code == 403

    response = client.post(model_url(Activity, "change", activity.pk), {"title_it": "Cambiato"})
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title_it == "Festa degli alberi"


def test_it_refuses_reverting_an_activity_from_its_history(client, personas):
    activity = _activity(personas.department_a, "Festa degli alberi")
    version = activity.history.first()
    as_staff(client, personas.editor_a)
    url = model_url(Activity, "simple_history", activity.pk, version.history_id)

    assert client.get(url).status_code == 200
    assert client.post(url, {"title_it": "Ripristinato"}).status_code == 403


def test_it_refuses_a_history_revert_to_whoever_may_only_view(client, personas, world):
    # Department staff may only view partner cities.
    version = world.city.history.first()
    as_staff(client, personas.editor_a)
    url = model_url(PartnerCity, "simple_history", world.city.pk, version.history_id)
    assert client.post(url, {"name_it": "Rinominata", "country": "FR"}).status_code == 403
    world.city.refresh_from_db()
    assert world.city.name_it == "Lione"


def test_it_lets_the_coordinator_see_and_change_everything(client, personas):
    accepted = _activity(personas.department_b, "Festival del cinema", review_state=ReviewState.ACCEPTED)
    _activity(personas.department_a, "Festa degli alberi")
    as_staff(client, personas.coordinator)

    assert len(listed(client.get(model_url(Activity, "changelist")))) == 2
    response = client.get(model_url(Activity, "change", accepted.pk))
    assert response.context["has_change_permission"]
    # Even the coordinator moves the review state only through the workflow
    # actions, which record the step and the accepted snapshot.
    assert "review_state" not in response.context["adminform"].form.fields


def test_it_limits_the_rows_of_activities_to_the_visible_ones(client, personas, world):
    other = _activity(personas.department_b, "Festival del cinema")
    ActivityLink.objects.create(activity=other, url="https://example.org/cinema")
    as_staff(client, personas.editor_b)

    response = client.get(model_url(ActivityLink, "changelist"))
    assert [link.activity for link in listed(response)] == [other, world.activity]
    as_staff(client, personas.viewer_a)
    response = client.get(model_url(ActivityLink, "changelist"))
    assert [link.activity for link in listed(response)] == [world.activity]
    assert client.get(model_url(ActivityLink, "change", other.links.get().pk)).status_code == 302


# --- The version guard --------------------------------------------------------------------------------------
def _form_data(response) -> dict:
    """What a browser posts back: the change form as loaded, with every inline's management form."""
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_on_page += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms_on_page:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, forms.FileInput):
                continue  # an unchanged file is not sent again
            if isinstance(bound.field.widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = "" if value is None else value
    return data


def _empty_inlines(response) -> dict:
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        for bound in inline.formset.management_form:
            data[bound.html_name] = bound.value()
    return data


def _errors(response):
    if response.status_code != 200 or not response.context:
        return response.status_code
    return response.context["adminform"].form.errors, [
        inline.formset.errors for inline in response.context["inline_admin_formsets"]
    ]


def test_it_does_not_overwrite_a_newer_save(client, personas, world):
    activity = world.activity
    as_staff(client, personas.editor_a)
    page = client.get(model_url(Activity, "change", activity.pk))
    data = _form_data(page)
    assert data["loaded_version"] == 1
    data["title_it"] = "Titolo di Alice"

    # Someone else saves in between.
    Activity.objects.filter(pk=activity.pk).update(title_it="Titolo di Bruno", version=F("version") + 1)
    response = client.post(model_url(Activity, "change", activity.pk), data)

    assert response.status_code == 200
    assert "stale" in [error.code for error in response.context["adminform"].form.non_field_errors().as_data()]
    activity.refresh_from_db()
    assert (activity.title_it, activity.version) == ("Titolo di Bruno", 2)

    # Reloading picks up the newer version, and the save goes through.
    data = _form_data(client.get(model_url(Activity, "change", activity.pk)))
    data["title_it"] = "Titolo di Alice"
    response = client.post(model_url(Activity, "change", activity.pk), data)
    assert response.status_code == 302, _errors(response)
    activity.refresh_from_db()
    assert (activity.title_it, activity.version) == ("Titolo di Alice", 3)


def test_it_refuses_the_save_when_the_version_moves_after_the_check(client, personas, world, monkeypatch):
    """The race the form cannot see: another save lands between the form's
    check and the update. The guarded UPDATE matches nothing, and the whole
    submission, inline rows included, is rolled back."""
    activity = world.activity
    as_staff(client, personas.editor_a)
    data = _form_data(client.get(model_url(Activity, "change", activity.pk)))
    data["title_it"] = "Titolo di Alice"
    data["links-0-label"] = "Sito cambiato"

    def clean_then_someone_saves(form):
        cleaned = forms.ModelForm.clean(form)
        Activity.objects.filter(pk=activity.pk).update(version=F("version") + 1)
        return cleaned

    monkeypatch.setattr(ActivityAdminForm, "clean", clean_then_someone_saves)
    response = client.post(model_url(Activity, "change", activity.pk), data, follow=True)

    assert response.redirect_chain[0] == (model_url(Activity, "change", activity.pk), 302)
    assert any(message.level_tag == "error" for message in response.context["messages"])
    activity.refresh_from_db()
    assert activity.title_it == "Rete verde europea"
    assert activity.links.get().label == "Sito"


def test_a_partner_record_saved_in_the_admin_keeps_the_version_guard(client, personas):
    """Partner records have a version like activities: a stale admin form is
    refused with nothing saved, and an admin save raises the version, so a
    workspace form opened before it gets the conflict page."""
    from relint.partners import services as partner_services
    from tests import partners_data

    city = partners_data.city()
    related = partners_data.relation(city)
    as_staff(client, personas.coordinator)
    url = model_url(PartnerCity, "change", city.pk)
    data = _form_data(client.get(url))
    data["name_it"] = "Lione dall'amministrazione"
    partner_services.partner_city_update(
        user=personas.coordinator, city=city, fields={"name_en": "Lyon"}, expected_version=city.version
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error(NON_FIELD_ERRORS, "stale")
    city.refresh_from_db()
    assert (city.name_it, city.name_en, city.version) == ("Lione", "Lyon", 2)

    data = _form_data(client.get(url))
    data["name_it"] = "Lione dall'amministrazione"
    assert client.post(url, data).status_code == 302
    city.refresh_from_db()
    assert (city.name_it, city.version) == ("Lione dall'amministrazione", 3)
    with pytest.raises(EditConflictError):
        partner_services.partner_city_update(
            user=personas.coordinator, city=city, fields={"name_en": "X"}, expected_version=2
        )

    # An edit of an inline row (the city's relation) raises that row's version too.
    data = _form_data(client.get(url))
    relation_prefix = next(
        key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and str(value) == str(related.pk)
    )
    data[f"{relation_prefix}-notes"] = "Cambiata dall'amministrazione"
    assert client.post(url, data).status_code == 302
    related.refresh_from_db()
    assert related.version == 2


# --- Search and filters ------------------------------------------------------------------------------------------
def test_it_searches_and_filters_the_activities(client, personas, world):
    cinema = _activity(personas.department_b, "Festival del cinema", review_state=ReviewState.ACCEPTED)
    _activity(personas.department_b, "Mostra sul clima")
    alberi = _activity(personas.department_a, "Festa degli alberi", review_state=ReviewState.ACCEPTED)
    client.force_login(personas.admin)
    url = model_url(Activity, "changelist")

    assert listed(client.get(url, {"q": "cinema"})) == [cinema]
    # Through the partner city's name, without repeating the activity.
    assert listed(client.get(url, {"q": "Lione"})) == [world.activity]
    assert set(listed(client.get(url, {"review_state__exact": ReviewState.ACCEPTED}))) == {cinema, alberi}
    assert set(listed(client.get(url, {"lead_department__id__exact": personas.department_a.pk}))) == {
        world.activity,
        alberi,
    }
    assert listed(client.get(url, {"q": "festa", "review_state__exact": ReviewState.ACCEPTED, "year": YEAR})) == [
        alberi
    ]


# --- Permissions, groups and staff accounts --------------------------------------------------------------------
def test_it_reads_the_roles_once_per_user_object(personas, django_assert_num_queries):
    user = personas.editor_a
    permissions.forget_roles(user)
    activity = _activity(personas.department_a, "Festa degli alberi")
    with django_assert_num_queries(1):
        assert not permissions.is_coordinator(user)
        assert permissions.editable_department_ids(user) == {personas.department_a.pk}
        assert permissions.readable_department_ids(user) == {personas.department_a.pk}
        assert permissions.can_edit_activity(user, activity)
        assert permissions.can_view_activity(user, activity)


def test_it_applies_the_rules_to_each_persona(personas):
    a, b = personas.department_a, personas.department_b
    draft_a = _activity(a, "Bozza A")
    accepted_a = _activity(a, "Accettata A", review_state=ReviewState.ACCEPTED)
    returned_a = _activity(a, "Restituita A", review_state=ReviewState.RETURNED, review_comment="Date?")
    draft_b = _activity(b, "Bozza B")

    assert permissions.is_coordinator(personas.coordinator)
    assert permissions.is_coordinator(personas.admin)
    assert not permissions.is_coordinator(personas.editor_a)

    editor = personas.editor_a
    assert [permissions.can_edit_activity(editor, x) for x in (draft_a, accepted_a, returned_a, draft_b)] == [
        True,
        False,
        True,
        False,
    ]
    assert set(permissions.editable_activities(editor)) == {draft_a, returned_a}
    assert set(permissions.visible_activities(editor)) == {draft_a, accepted_a, returned_a}
    assert not permissions.can_view_activity(editor, draft_b)

    viewer = personas.viewer_a
    assert not permissions.can_edit_activity(viewer, draft_a)
    assert permissions.can_view_activity(viewer, draft_a)
    assert not permissions.editable_activities(viewer).exists()

    assert set(permissions.editable_activities(personas.coordinator)) == {draft_a, accepted_a, returned_a, draft_b}
    only_b = Activity.objects.filter(lead_department=b)
    assert list(permissions.visible_activities(personas.coordinator, only_b)) == [draft_b]


def test_it_sets_up_the_groups_idempotently(db):
    call_command("setup_roles", stdout=io.StringIO())
    coordinators = Group.objects.get(name=COORDINATORS)
    staff = Group.objects.get(name=DEPARTMENT_STAFF)
    first = (set(coordinators.permissions.all()), set(staff.permissions.all()))
    staff.permissions.clear()

    output = io.StringIO()
    call_command("setup_roles", stdout=output)

    assert "Groups are up to date." in output.getvalue()
    assert (set(coordinators.permissions.all()), set(staff.permissions.all())) == first
    assert Group.objects.filter(name__in=[COORDINATORS, DEPARTMENT_STAFF]).count() == 2
    staff_codenames = {p.codename for p in staff.permissions.all()}
    assert {"add_activity", "change_activity", "view_activity", "view_partnercity"} <= staff_codenames
    assert not {"delete_activity", "change_partnercity", "view_meeting"} & staff_codenames
    coordinator_codenames = {p.codename for p in coordinators.permissions.all()}
    assert {"delete_activity", "change_meeting", "add_annualreport", "view_user"} <= coordinator_codenames
    assert not {"change_user", "delete_historicalactivity"} & coordinator_codenames


def test_it_creates_a_staff_user_with_role_and_group(db):
    department = Department.objects.get(code="AMBIENTE")
    user = staff_user_create(
        username="mrossi",
        email="m.rossi@comune.example",
        password="a-long-enough-passphrase-7",
        first_name="Mario",
        last_name="Rossi",
        role=Role.EDITOR,
        department=department,
    )

    assert user.is_staff and not user.is_superuser
    assert user.check_password("a-long-enough-passphrase-7")
    assert list(user.groups.values_list("name", flat=True)) == [DEPARTMENT_STAFF]
    assert StaffRole.objects.get(user=user).department == department
    assert permissions.editable_department_ids(user) == {department.pk}


def test_it_refuses_an_invalid_staff_user_and_keeps_nothing(db):
    with pytest.raises(ValidationError):
        staff_user_create(
            username="mrossi",
            email="m.rossi@comune.example",
            password="a-long-enough-passphrase-7",
            first_name="Mario",
            last_name="Rossi",
            role=Role.EDITOR,  # an editor needs a department
        )
    with pytest.raises(ValidationError):
        staff_user_create(
            username="mrossi",
            email="m.rossi@comune.example",
            password="123",
            first_name="Mario",
            last_name="Rossi",
            role=Role.COORDINATOR,
        )
    assert not StaffRole.objects.exists()
    assert not get_user_model().objects.filter(username="mrossi").exists()


def test_it_accepts_in_bulk_through_the_review_workflow(client, personas):
    from relint.activities import services
    from relint.activities.models import ReviewEvent

    Activity.objects.bulk_create(
        Activity(year=2025, kind="event", title_it=f"Evento {n}", lead_department=personas.department_a)
        for n in range(3)
    )
    activities = list(Activity.objects.order_by("pk"))
    for activity in activities[:2]:
        services.activity_submit(user=personas.editor_a, activity=activity)
    personas.admin.refresh_from_db()
    client.force_login(personas.admin)
    with translation.override("en"):
        url = reverse("admin:activities_activity_changelist")
    response = client.post(
        url, {"action": "accept_selected", "_selected_action": [a.pk for a in activities]}, follow=True
    )
    assert response.status_code == 200
    states = dict(Activity.objects.values_list("title_it", "review_state"))
    assert states == {"Evento 0": "accepted", "Evento 1": "accepted", "Evento 2": "draft"}
    assert ReviewEvent.objects.filter(to_state="accepted").count() == 2
    assert all(a.accepted_snapshot for a in Activity.objects.filter(review_state="accepted"))


def test_an_editor_cannot_set_the_review_state_in_the_admin(client, personas):
    from relint.departments.services import staff_access_grant

    staff_access_grant(user=personas.editor_a)
    activity = Activity.objects.create(
        year=2025, kind="event", title_it="Evento", lead_department=personas.department_a
    )
    client.force_login(personas.editor_a)
    with translation.override("en"):
        url = reverse("admin:activities_activity_change", args=[activity.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="review_state"' not in page.content.decode()
