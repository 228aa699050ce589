"""Staff accounts. Roles within departments live in `relint.departments`."""

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _

from relint.core.integrity import text_integrity
from relint.core.models import history


@text_integrity
class User(AbstractUser):
    """A member of the City's staff who signs in to relint.

    A project-owned user model from day one, so that single sign-on fields
    (OIDC subject, SAML name id) can be added later with a migration.
    """

    history = history()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
