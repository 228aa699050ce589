"""The City's own structure: delegations, departments, staff roles and the
coordination table's membership over time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relint.core.integrity import text_integrity
from relint.core.models import BilingualNameMixin, Timestamped, history


class DelegationKind(models.TextChoices):
    MAYOR = "mayor", _("Mayor")
    DEPUTY_MAYOR = "deputy_mayor", _("Deputy Mayor")
    ASSESSOR = "assessor", _("Assessor")
    COUNCIL = "council", _("City Council")


@text_integrity
class Delegation(BilingualNameMixin, Timestamped):
    """The political delegation a department depends on (Sindaco, Vicesindaco,
    an Assessorato)."""

    kind = models.CharField(_("kind"), max_length=20, choices=DelegationKind.choices)
    name_it = models.CharField(_("name (Italian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    holder = models.CharField(_("holder"), max_length=200, blank=True, help_text=_("Who holds the delegation now."))

    history = history()

    class Meta:
        verbose_name = _("political delegation")
        verbose_name_plural = _("political delegations")
        ordering = ["kind", "name_it"]
        constraints = [models.UniqueConstraint(fields=["name_it"], name="departments_delegation_unique_name")]

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    SETTORE = "settore", _("Sector (Settore)")
    DIVISIONE = "divisione", _("Division (Divisione)")
    SERVIZIO = "servizio", _("Service (Servizio)")
    CORPO = "corpo", _("Corps (Corpo)")


class DepartmentQuerySet(models.QuerySet):
    def active(self) -> DepartmentQuerySet:
        return self.filter(is_active=True)

    def at_table(self, on=None) -> DepartmentQuerySet:
        """Departments sitting at the coordination table on a date (today by default)."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return (
            self.filter(
                table_memberships__joined_on__lte=day,
            )
            .filter(models.Q(table_memberships__left_on__isnull=True) | models.Q(table_memberships__left_on__gt=day))
            .distinct()
        )


@text_integrity
class Department(BilingualNameMixin, Timestamped):
    """A department of the City (settore, divisione, servizio, corpo) with
    its international competences."""

    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("Short stable code, e.g. REL-INT."))
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    name_it = models.CharField(_("name (Italian)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("political delegation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
    )
    competences_it = models.TextField(_("international competences (Italian)"), max_length=2000, blank=True)
    competences_en = models.TextField(_("international competences (English)"), max_length=2000, blank=True)
    table_order = models.PositiveSmallIntegerField(
        _("order at the coordination table"),
        default=100,
        help_text=_("The order of chapters in the annual report."),
    )
    email = models.EmailField(_("office email"), max_length=254, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["table_order", "name_it"]

    def __str__(self) -> str:
        return self.name

    @property
    def competences(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "it").startswith("en") and self.competences_en:
            return self.competences_en
        return self.competences_it

    def get_absolute_url(self) -> str:
        return reverse("admin:departments_department_change", args=[self.pk])


@text_integrity
class TableMembership(Timestamped):
    """A department's seat at the coordination table (tavolo di
    coordinamento, since 2004), from a joined date to a left date."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="table_memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    scopes_it = models.TextField(_("thematic scopes (Italian)"), max_length=2000, blank=True)
    scopes_en = models.TextField(_("thematic scopes (English)"), max_length=2000, blank=True)
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegates"),
        blank=True,
        related_name="table_delegations",
        help_text=_("Staff who represent the department at the table."),
    )

    history = history(m2m_fields=("delegates",))

    class Meta:
        verbose_name = _("coordination table membership")
        verbose_name_plural = _("coordination table memberships")
        ordering = ["department__table_order", "-joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="departments_tablemembership_dates_ordered",
                violation_error_message=_("The left date cannot come before the joined date."),
            ),
            models.UniqueConstraint(fields=["department", "joined_on"], name="departments_tablemembership_unique"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.department} ({self.joined_on:%Y}–{self.left_on:%Y})"
            if self.left_on
            else (f"{self.department} ({self.joined_on:%Y}–)")
        )


class Role(models.TextChoices):
    EDITOR = "editor", _("Department editor")
    VIEWER = "viewer", _("Department viewer")
    COORDINATOR = "coordinator", _("Coordinator")


@text_integrity
class StaffRole(Timestamped):
    """What a user may do: edit or view one department's activities, or
    coordinate everything. Administrators are Django superusers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        help_text=_("Required for editors and viewers; optional for the coordinator."),
    )

    history = history()

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="coordinator") | models.Q(department__isnull=False),
                name="departments_staffrole_department_required",
                violation_error_message=_("Editors and viewers belong to a department."),
            ),
            models.UniqueConstraint(
                fields=["user", "department"],
                name="departments_staffrole_one_per_department",
                violation_error_message=_("This user already has a role in this department."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role="coordinator"),
                name="departments_staffrole_one_coordinator_role",
            ),
        ]

    def __str__(self) -> str:
        if self.department_id:
            return f"{self.user} · {self.get_role_display()} · {self.department}"
        return f"{self.user} · {self.get_role_display()}"
