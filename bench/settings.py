"""Settings of the web benchmark: relint's own, plus a trivial view as the
framework's floor (bench/urls.py). Used only by bench/web.py."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
