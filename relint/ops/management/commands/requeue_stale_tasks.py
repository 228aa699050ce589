"""`manage.py requeue_stale_tasks`: give back the tasks of a killed worker.

django-tasks-db marks a task RUNNING when a worker claims it and has no
lease or heartbeat: a worker killed mid-task (OOM killer, power cut,
`kill -9`) leaves it RUNNING for ever. This puts such tasks back in the
queue. relint's tasks are written to be safe to run twice.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from relint.ops import audit


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks RUNNING for more than --older-than minutes (default 120): those of a "
        "worker that died. Run it when the workers start (no task can be running then) with --older-than 0, "
        "and every few minutes with a limit longer than the longest task."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=120, help="minutes (default 120); 0: all running")

    def handle(self, *args, older_than, **options):
        if older_than < 0:
            older_than = 0
        limit = timezone.now() - datetime.timedelta(minutes=older_than)
        with transaction.atomic():
            stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
                status=TaskResultStatus.RUNNING, started_at__lte=limit
            )
            ids = [str(pk) for pk in stale.values_list("pk", flat=True)]
            DBTaskResult.objects.filter(pk__in=ids).update(status=TaskResultStatus.READY, started_at=None)
        for task_id in ids:
            audit.record("task_requeued", task=task_id)
        self.stdout.write(f"{len(ids)} stale tasks put back in the queue.")
