"""Fresh relint instances for the operations tests: their own database
(a SQLite file, or a new PostgreSQL database when the suite runs on
PostgreSQL) and media directory, driven through `manage.py` in
subprocesses as an operator would.

The suite's own test database cannot serve here: on SQLite it lives in
memory, where neither the backup of a live file nor writers in other
processes can be tried.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _admin_connect():
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


class Instance:
    def __init__(self, root: Path):
        self.root = root
        self.media = root / "media"
        self.media.mkdir(parents=True, exist_ok=True)
        if on_postgresql():
            db = settings.DATABASES["default"]
            self.pg_name = f"relint_ops_{uuid.uuid4().hex[:10]}"
            with _admin_connect() as admin:
                admin.execute(f'CREATE DATABASE "{self.pg_name}"')
            auth = db.get("USER") or "postgres"
            if db.get("PASSWORD"):
                auth += f":{db['PASSWORD']}"
            self.database_url = (
                f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{self.pg_name}"
            )
        else:
            self.pg_name = None
            self.database_url = f"sqlite:///{root / 'relint.sqlite3'}"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(root)),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "RELINT_ENV_FILE": "/nonexistent/.env",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "instance-secret-key-for-tests-only-0123456789abcdef",
            "DJANGO_HTTPS": "0",
            "DJANGO_STATIC_MANIFEST": "0",
            "DATABASE_URL": self.database_url,
            "RELINT_DATA_DIR": str(root),
            "DJANGO_MEDIA_ROOT": str(self.media),
            "DJANGO_PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
            "RELINT_LOG_LEVEL": "WARNING",
            "RELINT_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "PYTHONPATH": str(ROOT),
        }

    def manage(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def python(self, code: str, *, timeout: float = 600) -> str:
        """Run Python code with Django set up in this instance; its stdout."""
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", "import django; django.setup()\n" + code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise AssertionError(f"instance code failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def popen(self, *args: str, **kwargs) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=self.env, **kwargs)  # noqa: S603

    def drop(self) -> None:
        if self.pg_name:
            with _admin_connect() as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.pg_name]
                )
                admin.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
