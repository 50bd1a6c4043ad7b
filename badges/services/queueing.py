"""The one way to queue Celery tasks: after the transaction commits, and never at the
price of an answer. A request whose work is committed must not fail because Redis is
down: the task is then kept in ``PendingTask`` and the sweeper queues it later
(``services.recovery``); what the database records as unfinished (unsigned badges,
pending e-mails, stalled batches) is found and queued again by the sweeper anyway."""

import logging
import time

from celery import current_app
from django.db import transaction

from badges.models import PendingTask

logger = logging.getLogger(__name__)

# After a failed publish, this process stops asking the broker for a few seconds: a form
# issuing to 20 people queues 60 tasks, and each would wait for a dead Redis in turn.
BROKER_PAUSE_S = 5.0
_broker_down_until = 0.0


def task_queue(task, *args, countdown: int | None = None) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one).

    Never raises: a broker error is logged and the task is kept for the sweeper.
    """
    name, arguments = task.name, list(args)
    transaction.on_commit(lambda: task_publish(name=name, args=arguments, countdown=countdown, task=task))


def task_publish(*, name: str, args: list, countdown: int | None = None, task=None, keep: bool = True) -> bool:
    """Send one task to the broker now; True if it was sent.

    If the broker is unreachable the task is kept in ``PendingTask`` (``keep``), or
    dropped: the sweeper's own tasks are found again from the database's state.
    """
    if broker_available():
        try:
            (task or current_app.tasks[name]).apply_async(args=args, countdown=countdown)
            return True
        except Exception as exc:
            _broker_down(exc)
    if not keep:
        return False
    try:
        PendingTask.objects.create(name=name, args=args)
    except Exception:
        # The database is down too: what the task would do is still recorded as
        # unfinished (unsigned badge, pending e-mail, queued batch) for the sweeper.
        logger.exception("Task %s%r could not be kept either", name, tuple(args))
    return False


def broker_available() -> bool:
    return time.monotonic() >= _broker_down_until


def _broker_down(exc: Exception) -> None:
    global _broker_down_until
    _broker_down_until = time.monotonic() + BROKER_PAUSE_S
    logger.warning("Broker unreachable (%r): tasks are kept in the database until it is back", exc)


def pending_tasks_publish(*, limit: int = 1000) -> int:
    """Queue the tasks kept while the broker was down; returns how many were sent.

    Rows are locked while they are sent, so two sweepers never send one twice; the
    first failure stops the round (the broker is still down).
    """
    sent = 0
    with transaction.atomic():
        rows = list(PendingTask.objects.select_for_update(skip_locked=True).order_by("pk")[:limit])
        done = []
        for row in rows:
            try:
                current_app.tasks[row.name].apply_async(args=row.args)
            except KeyError:
                logger.error("Unknown task %s kept in PendingTask %s: dropped", row.name, row.pk)
            except Exception as exc:
                _broker_down(exc)
                break
            else:
                sent += 1
            done.append(row.pk)
        PendingTask.objects.filter(pk__in=done).delete()
    return sent
