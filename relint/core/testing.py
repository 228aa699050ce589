"""Shared personas for tests: the people every test speaks about.

* the coordinator (International Relations), who reads and reviews everything;
* an editor of department A (Environment) and one of department B (Culture);
* a viewer of department A;
* an anonymous visitor (no user at all).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from relint.departments.models import Department, Role, StaffRole

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test personas only


@dataclass(frozen=True)
class Personas:
    department_a: Department
    department_b: Department
    coordinator: object
    editor_a: object
    editor_b: object
    viewer_a: object
    admin: object


def _user(username: str, first: str, last: str, **extra):
    User = get_user_model()  # noqa: N806
    user = User.objects.create_user(
        username=username,
        email=f"{username}@comune.example",
        password=PASSWORD,
        first_name=first,
        last_name=last,
        **extra,
    )
    return user


def restore_reference_data() -> None:
    """Load the reference data of the migrations again (idempotent).

    A transactional test (a live server for the browser) ends by emptying
    every table, reference data included; the next one puts it back with the
    same functions the data migrations call.
    """
    from relint.activities.models import FundingProgramme, SustainableDevelopmentGoal
    from relint.activities.reference import sync_programmes, sync_sdgs
    from relint.core.models import Country
    from relint.core.reference import sync_countries
    from relint.departments.models import Delegation, TableMembership
    from relint.departments.reference import sync_departments

    sync_countries(Country)
    sync_departments(Delegation, Department, TableMembership)
    sync_sdgs(SustainableDevelopmentGoal)
    sync_programmes(FundingProgramme)


def make_personas() -> Personas:
    department_a = Department.objects.get(code="AMBIENTE")
    department_b = Department.objects.get(code="CULTURA")
    coordinator = _user("coordinator", "Carla", "Coordinatrice")
    StaffRole.objects.create(user=coordinator, role=Role.COORDINATOR, department=Department.objects.get(code="REL-INT"))
    editor_a = _user("editor_a", "Alice", "Ambiente")
    StaffRole.objects.create(user=editor_a, role=Role.EDITOR, department=department_a)
    editor_b = _user("editor_b", "Bruno", "Cultura")
    StaffRole.objects.create(user=editor_b, role=Role.EDITOR, department=department_b)
    viewer_a = _user("viewer_a", "Vera", "Lettrice")
    StaffRole.objects.create(user=viewer_a, role=Role.VIEWER, department=department_a)
    admin = _user("admin", "Ada", "Amministratrice", is_staff=True, is_superuser=True)
    return Personas(department_a, department_b, coordinator, editor_a, editor_b, viewer_a, admin)
