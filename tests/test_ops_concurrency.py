"""Concurrency on a real database (a SQLite file, or PostgreSQL when the
suite runs there): 20 threads saving the same activity from the same old
version lose no update, and 20 identical create requests make one record."""

from __future__ import annotations

import json

import pytest

SCENARIO = """
import json, threading, uuid
from django.db import connections
from relint.activities.models import Activity, ActivityKind
from relint.activities.services import EditConflictError, activity_create, activity_update
from relint.core.testing import make_personas
from relint.ops.idempotency import run_once

THREADS = 20
personas = make_personas()
activity = Activity.objects.create(
    year=2025, kind=ActivityKind.EXCHANGE, title_it="Originale", lead_department=personas.department_a
)
barrier = threading.Barrier(THREADS)
outcomes, lock = [], threading.Lock()

def save(n):
    try:
        barrier.wait()
        fields = {"title_it": f"Versione {n}"}
        activity_update(user=personas.editor_a, activity=activity, fields=fields, expected_version=1)
        result = ("saved", n)
    except EditConflictError:
        result = ("conflict", n)
    except Exception as error:
        result = ("error", repr(error))
    finally:
        connections.close_all()
    with lock:
        outcomes.append(result)

threads = [threading.Thread(target=save, args=(n,)) for n in range(THREADS)]
[t.start() for t in threads]
[t.join() for t in threads]
activity.refresh_from_db()
saved = [n for kind, n in outcomes if kind == "saved"]

key = uuid.uuid4()
barrier = threading.Barrier(THREADS)
created = []

def create(n):
    try:
        barrier.wait()
        record, new = run_once(
            user=personas.editor_a,
            key=key,
            create=lambda: activity_create(
                user=personas.editor_a,
                fields={"year": 2025, "kind": ActivityKind.EXCHANGE, "title_it": "Creata una volta",
                        "lead_department": personas.department_a},
            ),
        )
        result = ("ok", record.pk, new)
    except Exception as error:
        result = ("error", repr(error), False)
    finally:
        connections.close_all()
    with lock:
        created.append(result)

threads = [threading.Thread(target=create, args=(n,)) for n in range(THREADS)]
[t.start() for t in threads]
[t.join() for t in threads]

print(json.dumps({
    "outcomes": outcomes,
    "saved": saved,
    "final_title": activity.title_it,
    "final_version": activity.version,
    "created": created,
    "records": Activity.objects.filter(title_it="Creata una volta").count(),
}))
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory, django_db_setup, django_db_blocker):
    from tests.instances import Instance

    with django_db_blocker.unblock():
        instance = Instance(tmp_path_factory.mktemp("concurrency"))
        try:
            instance.manage("migrate", "--noinput")
            yield json.loads(instance.python(SCENARIO).splitlines()[-1])
        finally:
            instance.drop()


def test_20_saves_from_the_same_version_lose_no_update(results):
    kinds = sorted(kind for kind, _ in results["outcomes"])
    # Exactly one save wins; the 19 others are told of the conflict; none fails otherwise.
    assert kinds == ["conflict"] * 19 + ["saved"]
    assert results["final_version"] == 2
    # The stored title is the winner's: no save was silently overwritten.
    assert results["final_title"] == f"Versione {results['saved'][0]}"


def test_20_identical_create_requests_make_one_record(results):
    assert results["records"] == 1
    assert [kind for kind, *_ in results["created"]] == ["ok"] * 20
    assert len({pk for _, pk, _ in results["created"]}) == 1
    assert sum(1 for *_, new in results["created"] if new) == 1


def test_a_request_key_of_someone_else_is_refused(personas):
    import uuid

    from django.core.exceptions import PermissionDenied, ValidationError

    from relint.activities.models import ActivityKind
    from relint.activities.services import activity_create
    from relint.ops.idempotency import parse_key, run_once

    key = uuid.uuid4()

    def create():
        return activity_create(
            user=personas.editor_a,
            fields={
                "year": 2025,
                "kind": ActivityKind.EXCHANGE,
                "title_it": "Mia",
                "lead_department": personas.department_a,
            },
        )

    first, new = run_once(user=personas.editor_a, key=key, create=create)
    assert new
    again, new = run_once(user=personas.editor_a, key=key, create=create)
    assert again == first and not new
    with pytest.raises(PermissionDenied):
        run_once(user=personas.editor_b, key=key, create=create)
    with pytest.raises(ValidationError):
        parse_key("not-a-uuid")


def test_the_form_tag_gives_a_fresh_valid_key():
    import re

    from django.template import Context, Template

    from relint.ops.idempotency import parse_key

    template = Template("{% load ops_tags %}{% request_key_field %}")
    first, second = (template.render(Context()) for _ in range(2))
    keys = [re.search(r'name="request_key" value="([^"]+)"', html).group(1) for html in (first, second)]
    assert keys[0] != keys[1]
    assert all(parse_key(key) for key in keys)
