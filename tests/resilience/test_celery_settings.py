"""Celery is configured so that a dead worker's message goes to another worker, and
the broker never delivers twice a task that is still running or waiting to retry."""

from django.conf import settings

from badgehub.celery import app


def _tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(("badges.", "pathways."))}


def test_messages_are_acknowledged_after_the_task_and_one_at_a_time():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    # A beat job run every few seconds is acknowledged on receipt: its next round does again what a
    # lost one did not (badges.tasks.send_due_award_emails says why).
    on_receipt = {"badges.tasks.send_due_award_emails"}
    for name, task in _tasks().items():
        assert task.acks_late == (name not in on_receipt), name


def test_no_task_outlives_the_visibility_timeout():
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    tasks = _tasks()
    assert len(tasks) >= 10
    for name, task in tasks.items():
        time_limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        retry_wait = max(task.default_retry_delay, getattr(task, "retry_backoff_max", 0) or 0,
                         settings.TASK_MAX_RETRY_DELAY_S)
        assert time_limit + retry_wait < timeout, name


def test_the_sweeper_runs_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stalled-work"]
    assert entry["task"] == "badges.tasks.requeue_stalled_work" and entry["schedule"] <= 60
    assert settings.BADGEHUB_STALLED_AFTER_SECONDS <= 300
