"""Writes about staff and their access: the two permission groups, and
creating a staff member with a role in one step."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from simple_history.models import HistoricalChanges

from relint.departments.models import Department, Role, StaffRole

COORDINATORS = "Coordinators"
DEPARTMENT_STAFF = "Department staff"

# The apps whose models make up the domain.
DOMAIN_APPS = ("core", "departments", "partners", "activities", "coordination", "reports")

# What department staff may look at: reference and partner data.
STAFF_VIEW_MODELS = (
    "core.Country",
    "departments.Delegation",
    "departments.Department",
    "departments.TableMembership",
    "partners.PartnerCity",
    "partners.CityRelation",
    "partners.Organisation",
    "partners.CommitteeMembership",
    "partners.Agreement",
    "partners.AgreementParty",
    "partners.AgreementDocument",
    "partners.ContactPerson",
    "activities.SustainableDevelopmentGoal",
    "activities.FundingProgramme",
    "activities.ReportingRound",
    "activities.ReviewEvent",
)
# What department staff may add and change: activities and the rows edited
# inline with them. Deleting stays with the coordinator.
STAFF_EDIT_MODELS = (
    "activities.Activity",
    "activities.ActivityPartnerCity",
    "activities.ActivityPartnerOrganisation",
    "activities.FundingLine",
    "activities.ActivityLink",
    "activities.ActivityAttachment",
)

GROUP_OF_ROLE = {Role.COORDINATOR: COORDINATORS, Role.EDITOR: DEPARTMENT_STAFF, Role.VIEWER: DEPARTMENT_STAFF}


def _permissions(model_label: str, actions: tuple[str, ...]) -> list[Permission]:
    model = apps.get_model(model_label)
    opts = model._meta
    codenames = [f"{action}_{opts.model_name}" for action in actions]
    found = list(
        Permission.objects.filter(content_type__app_label=opts.app_label, codename__in=codenames).select_related(
            "content_type"
        )
    )
    if len(found) != len(codenames):
        raise LookupError(f"Missing permissions for {model_label}: run migrate first.")
    return found


def _coordinator_permissions() -> list[Permission]:
    permissions: list[Permission] = []
    for app_label in DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            # History stays out: it is read through each model's admin, and
            # nobody should be able to rewrite or delete it.
            if issubclass(model, HistoricalChanges):
                continue
            permissions += _permissions(model._meta.label, ("add", "change", "delete", "view"))
    # Users themselves are managed by administrators (superusers): whoever
    # may change a user may make them, or themselves, a superuser. The
    # coordinator sees the users, to give them roles.
    permissions += _permissions(get_user_model()._meta.label, ("view",))
    return permissions


def _department_staff_permissions() -> list[Permission]:
    permissions: list[Permission] = []
    for label in STAFF_VIEW_MODELS:
        permissions += _permissions(label, ("view",))
    for label in STAFF_EDIT_MODELS:
        permissions += _permissions(label, ("add", "change", "view"))
    return permissions


@transaction.atomic
def staff_groups_setup() -> dict[str, Group]:
    """Create or update the "Coordinators" and "Department staff" groups.

    Idempotent: each run leaves each group with exactly the permissions listed
    here, whatever was added or removed by hand in between.
    """
    # Permissions are created after migrate; make sure they exist even when
    # this runs in the same process as the migrations.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    groups = {}
    for name, permissions in (
        (COORDINATORS, _coordinator_permissions()),
        (DEPARTMENT_STAFF, _department_staff_permissions()),
    ):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups


def _group(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:
        group = staff_groups_setup()[name]
    return group


@transaction.atomic
def staff_access_grant(*, user) -> None:
    """Give a user with staff roles access to the admin: `is_staff` and the
    group of each of their roles. Other groups are left alone."""
    roles = set(StaffRole.objects.filter(user=user).values_list("role", flat=True))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    for name in sorted({GROUP_OF_ROLE[Role(role)] for role in roles}):
        user.groups.add(_group(name))


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    role: str,
    department: Department | None = None,
):
    """Create a member of staff with their role and its permission group.

    `password` goes through the project's password validators; `None` leaves
    the account without a usable password (for single sign-on, or to be set
    with a reset link). Raises `ValidationError` on any invalid value.
    """
    User = get_user_model()  # noqa: N806
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, is_staff=True)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    user.save()

    staff_role = StaffRole(user=user, role=role, department=department)
    staff_role.full_clean()
    staff_role.save()

    staff_access_grant(user=user)
    return user
