import gc
import os

from celery import Celery
from celery.signals import task_postrun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgehub.settings")

app = Celery("badgehub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Worker children and their memory. A task leaves cyclic garbage behind (a model
# instance and its FieldFiles refer to each other, and each holds the signed documents
# of a badge); Python frees cycles only at a full collection, which a large heap makes
# rare, so a child that never restarts grew with every chunk of 50 badges issued, the
# more the larger the badge image (bench/bench_worker_memory.py). The heap a child inherits from the
# parent is frozen once (never scanned again, and its pages stay shared with the
# parent), so collecting what a task left costs ~2 ms.
_IN_CHILD = False


@worker_process_init.connect
def _freeze_inherited_heap(**kwargs) -> None:
    global _IN_CHILD
    _IN_CHILD = True
    gc.freeze()


@task_postrun.connect
def _collect_task_garbage(**kwargs) -> None:
    if not _IN_CHILD:
        return  # threads or solo pool (tests, eager): the host process manages its own heap
    from django.conf import settings

    if settings.DEBUG:
        # Django keeps the last 9,000 queries with DEBUG on and only a web request resets them.
        from django.db import reset_queries

        reset_queries()
    gc.collect()
