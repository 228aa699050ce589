"""Compile the committed .po catalogues into .mo files.

Django's `compilemessages` needs GNU gettext's `msgfmt`, which a fresh
machine may lack; polib is pure Python, so `make demo` and `make test` need
nothing beyond Python.
"""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def locale_dirs() -> list[Path]:
    """The project's LOCALE_PATHS and the `locale/` folder of each relint app.

    Each app keeps its own catalogue so that features developed side by side
    do not all edit one .po file; Django finds app catalogues by itself.
    """
    dirs = [Path(d) for d in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        app_locale = Path(config.path) / "locale"
        if config.name.startswith("relint.") and app_locale.is_dir():
            dirs.append(app_locale)
    return dirs


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po (the project's and each app's) into its .mo file, in pure Python."

    def handle(self, *args, **options) -> None:
        count = 0
        for locale_dir in locale_dirs():
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                self.stdout.write(f"{po_path}: {catalogue.percent_translated()}% translated")
        self.stdout.write(self.style.SUCCESS(f"Compiled {count} catalogue(s)."))
