"""Create or update the permission groups staff are put in.

Safe to run at every deployment: each group ends up with exactly the
permissions `relint.departments.services.staff_groups_setup` lists.
"""

from django.core.management.base import BaseCommand

from relint.departments.services import staff_groups_setup


class Command(BaseCommand):
    help = (
        'Create or update the auth groups "Coordinators" (every permission of the domain apps) and '
        '"Department staff" (view reference and partner data; add, change and view activities). Idempotent.'
    )

    def handle(self, *args, **options) -> None:
        for name, group in staff_groups_setup().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
        self.stdout.write(self.style.SUCCESS("Groups are up to date."))
