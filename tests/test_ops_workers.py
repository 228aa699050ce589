"""Background workers of django-tasks-db on a real database: two workers
never run the same task, and a task whose worker was killed is run again."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest

from tests.instances import on_postgresql

TASKS = 60


def _wait_for(condition, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def instance(new_instance):
    if not on_postgresql():
        pytest.skip("PostgreSQL only: several workers in production run against PostgreSQL (docs/deploy.md)")
    made = new_instance("workers")
    made.manage("migrate", "--noinput")
    return made


def test_two_workers_never_take_the_same_task(instance, tmp_path):
    log = tmp_path / "runs.log"
    instance.python(f"from tests.ops_tasks import record\nfor n in range({TASKS}): record.enqueue(n, {str(log)!r})")
    workers = [
        instance.popen("manage.py", "db_worker", "--batch", "--interval", "0.01", "--worker-id", f"w{n}")
        for n in range(2)
    ]
    for worker in workers:
        assert worker.wait(timeout=300) == 0
    runs = [line.split() for line in log.read_text().splitlines()]
    counts = Counter(number for number, _ in runs)
    assert sorted(int(n) for n in counts) == list(range(TASKS))
    assert set(counts.values()) == {1}
    # Both workers took part.
    assert len({pid for _, pid in runs}) == 2
    statuses = instance.python(
        "from django_tasks_db.models import DBTaskResult\n"
        "print(sorted(set(DBTaskResult.objects.values_list('status', flat=True))))"
    )
    assert statuses.strip() == "['SUCCESSFUL']"


def test_a_task_of_a_killed_worker_is_run_again(instance, tmp_path):
    log, marker = tmp_path / "runs.log", tmp_path / "first-run"
    instance.python(
        f"from tests.ops_tasks import slow_the_first_time\nslow_the_first_time.enqueue({str(log)!r}, {str(marker)!r})"
    )
    worker = instance.popen("manage.py", "db_worker", "--interval", "0.1", "--worker-id", "doomed")
    try:
        _wait_for(marker.exists)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    status = "from django_tasks_db.models import DBTaskResult\nprint(DBTaskResult.objects.get().status)"
    # django-tasks-db alone leaves it RUNNING for ever...
    assert instance.python(status).strip() == "RUNNING"
    # ...the operations command gives it back to the queue, and the next worker completes it.
    assert "1 stale tasks" in instance.manage("requeue_stale_tasks", "--older-than", "0").stdout
    instance.manage("db_worker", "--batch", "--interval", "0.01", "--worker-id", "second")
    assert instance.python(status).strip() == "SUCCESSFUL"
    assert log.read_text().count("done") == 1
