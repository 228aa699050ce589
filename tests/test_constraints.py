"""Integrity is enforced by the database, on SQLite and PostgreSQL alike.

Each test writes straight through the ORM (`save()`/`update()`, no
`full_clean()`), the way a buggy importer would, and expects the database to
refuse. The same file runs on both databases in CI.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import DataError, IntegrityError, connection, models, transaction
from django.test.utils import isolate_apps

from relint.activities.models import Activity, ActivityLink, FundingLine, ReviewState
from relint.coordination.models import Meeting
from relint.core.integrity import text_integrity
from relint.departments.models import Department, StaffRole
from relint.partners.models import (
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    Organisation,
    OrganisationKind,
    PartnerCity,
)
from relint.reports.models import AnnualReport

pytestmark = pytest.mark.django_db

# What each database raises for a NUL: SQLite trips our CHECK constraint,
# PostgreSQL's driver refuses the value before it is sent.
REFUSED = (IntegrityError, DataError, ValueError)


def _activity(**extra) -> Activity:
    values = {
        "year": 2025,
        "kind": "event",
        "title_it": "Festival internazionale",
        "lead_department": Department.objects.get(code="CULTURA"),
    }
    values.update(extra)
    return Activity(**values)


def _refuses(thunk) -> None:
    with pytest.raises(REFUSED), transaction.atomic():
        thunk()


def test_it_refuses_nul_characters_in_every_text_column():
    _refuses(lambda: _activity(title_it="Titolo\x00nascosto").save())
    _refuses(lambda: _activity(description_it="a\x00b").save())
    _refuses(lambda: PartnerCity.objects.create(name_it="Lyon\x00", country_id="FR"))
    _refuses(lambda: Organisation.objects.create(name="ONG\x00", kind="ngo"))
    assert not Activity.objects.exists()


def test_it_refuses_over_long_text_on_every_database():
    # SQLite alone would store all 301 characters of a 300-character column.
    _refuses(lambda: _activity(title_it="x" * 301).save())
    _refuses(lambda: _activity(description_it="x" * 10_001).save())
    _activity(title_it="x" * 300, description_it="y" * 10_000).save()
    assert Activity.objects.count() == 1


def test_it_refuses_over_long_text_written_by_update():
    activity = _activity()
    activity.save()
    _refuses(lambda: Activity.objects.filter(pk=activity.pk).update(title_it="z" * 400))
    activity.refresh_from_db()
    assert activity.title_it == "Festival internazionale"


def test_it_refuses_values_outside_a_fields_choices():
    _refuses(lambda: _activity(kind="picnic").save())
    _refuses(lambda: _activity(review_state="approved-by-me").save())
    _refuses(lambda: Organisation.objects.create(name="X", kind="sect"))


def test_it_refuses_an_end_before_the_start():
    _refuses(lambda: _activity(start_date=datetime.date(2025, 5, 2), end_date=datetime.date(2025, 5, 1)).save())
    city = PartnerCity.objects.create(name_it="Lione", country_id="FR")
    _refuses(
        lambda: CityRelation.objects.create(
            city=city, kind="twinning", signed_on=datetime.date(2000, 1, 1), ended_on=datetime.date(1999, 1, 1)
        )
    )
    start = datetime.datetime(2025, 3, 1, 10, tzinfo=datetime.UTC)
    _refuses(lambda: Meeting.objects.create(title="Tavolo", starts_at=start, ends_at=start))


def test_it_refuses_negative_amounts():
    activity = _activity()
    activity.save()
    _refuses(lambda: FundingLine.objects.create(activity=activity, source="eu", amount=Decimal("-0.01")))
    FundingLine.objects.create(activity=activity, source="eu", amount=Decimal("0"))


def test_it_refuses_years_out_of_range():
    _refuses(lambda: _activity(year=1800).save())
    _refuses(lambda: _activity(year=3000).save())


def test_it_refuses_a_returned_activity_without_comment():
    _refuses(lambda: _activity(review_state=ReviewState.RETURNED).save())
    _activity(review_state=ReviewState.RETURNED, review_comment="Manca la descrizione.").save()


def test_it_refuses_non_http_links():
    activity = _activity()
    activity.save()
    _refuses(lambda: ActivityLink.objects.create(activity=activity, url="javascript:alert(1)"))
    with pytest.raises(ValidationError):
        ActivityLink(activity=activity, url="javascript:alert(1)").full_clean()


def test_it_requires_profit_kind_exactly_for_city_owned_bodies():
    _refuses(lambda: Organisation.objects.create(name="GTT", kind=OrganisationKind.CITY_OWNED))
    _refuses(lambda: Organisation.objects.create(name="ONG", kind=OrganisationKind.NGO, profit_kind="profit"))
    Organisation.objects.create(name="GTT", kind=OrganisationKind.CITY_OWNED, profit_kind="profit")


def test_it_refuses_a_committee_that_is_its_own_member():
    committee = Organisation.objects.create(name="Comitato", kind=OrganisationKind.COMMITTEE)
    _refuses(lambda: CommitteeMembership.objects.create(committee=committee, member=committee))


def test_it_requires_exactly_one_kind_of_agreement_party():
    from relint.partners.models import Agreement

    agreement = Agreement.objects.create(kind="convention", title_it="Convenzione")
    _refuses(lambda: AgreementParty.objects.create(agreement=agreement))
    city = PartnerCity.objects.create(name_it="Lione", country_id="FR")
    org = Organisation.objects.create(name="ONG", kind="ngo")
    _refuses(lambda: AgreementParty.objects.create(agreement=agreement, city=city, organisation=org))


def test_it_allows_one_published_report_per_year_and_language():
    from django.utils import timezone

    now = timezone.now()
    AnnualReport.objects.create(year=2025, language="it", state="published", sha256="a" * 64, published_at=now)
    AnnualReport.objects.create(year=2025, language="en", state="published", sha256="b" * 64, published_at=now)
    _refuses(
        lambda: AnnualReport.objects.create(
            year=2025, language="it", state="published", sha256="c" * 64, published_at=now
        )
    )


def test_it_requires_a_department_for_editors(personas):
    _refuses(lambda: StaffRole.objects.create(user=personas.editor_a, role="editor"))


def test_full_clean_names_the_problem_before_the_database_does():
    with pytest.raises(ValidationError) as error:
        _activity(title_it="a\x00b", description_it="x" * 10_001).full_clean()
    assert set(error.value.message_dict) >= {"title_it", "description_it"}


def test_validation_checks_the_length_of_every_text_field_before_the_database_does():
    """The decorator adds validators to each field; CharField's own
    max-length validator must survive it (it once did not: a 301-character
    title passed `full_clean` and only the database refused it)."""
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("relint.") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.local_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
                if limits != [field.max_length]:
                    missing.append(f"{model.__name__}.{field.name}: {limits}")
    assert missing == []
    with pytest.raises(ValidationError) as error:
        _activity(title_it="x" * 301).full_clean()
    assert "title_it" in error.value.message_dict


def test_every_text_column_of_every_domain_model_is_guarded():
    """A new text field without the decorator would escape the rules above."""
    unguarded = []
    for model in apps.get_models():
        if not model.__module__.startswith("relint.") or model.__name__.startswith("Historical"):
            continue
        names = {c.name for c in model._meta.constraints}
        for field in model._meta.local_fields:
            if isinstance(field, models.CharField | models.TextField):
                suffixes = ("valid",) if field.choices else ("len", "nonul")
                if not any(
                    name.endswith(f"_{suffix}") and field.column in name for name in names for suffix in suffixes
                ):
                    unguarded.append(f"{model.__name__}.{field.name}")
    assert unguarded == []


def test_the_decorator_refuses_a_text_field_without_max_length():
    from django.core.exceptions import ImproperlyConfigured

    # An isolated registry: a model class defined here would otherwise join
    # the project's, and the admin test that lists every model would see it
    # whenever this test ran first in the same worker.
    with isolate_apps("relint.core"), pytest.raises(ImproperlyConfigured):

        @text_integrity
        class Careless(models.Model):
            body = models.TextField()

            class Meta:
                app_label = "core"


def test_sqlite_runs_in_wal_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific tuning")
    # The test database is in memory, where WAL does not apply; check the
    # settings the file database is opened with.
    from django.conf import settings

    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5
