"""Tasks for the worker tests (tests/test_ops_workers.py): each run leaves
a line in a file, so the test can count who ran what."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def record(number: int, log: str) -> int:
    with Path(log).open("a") as out:
        out.write(f"{number} {os.getpid()}\n")
    time.sleep(0.05)
    return number


@task()
def slow_the_first_time(log: str, marker: str) -> str:
    """Hangs on its first run (to be killed), completes on the next."""
    if not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        time.sleep(300)
    with Path(log).open("a") as out:
        out.write(f"done {os.getpid()}\n")
    return "done"
