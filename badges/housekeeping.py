"""Periodic clean-up tasks, thin like those of ``badges.tasks``.

Kept out of ``badges/tasks.py`` (issuing and e-mail work) in their own module;
the worker loads it through ``CELERY_IMPORTS``, as ``autodiscover_tasks`` only
looks for ``tasks`` modules.
"""

from celery import shared_task


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def purge_draft_files() -> int:
    """Beat job: delete the partner form's draft files abandoned for more than two days."""
    from badges.services.uploads import draft_files_purge

    return draft_files_purge()
