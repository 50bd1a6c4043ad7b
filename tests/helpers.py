"""Small helpers shared by test modules."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from badges.services import batch_chunk_run, batch_run


def issue_batch_here(batch_id: int) -> int:
    """What the batch task and its chunk tasks do in workers, run in this process in order.

    Returns the number of chunks issued.
    """
    return sum(batch_chunk_run(batch_id=batch_id, offset=offset, rows=rows)
               for offset, rows in batch_run(batch_id=batch_id))


def application_edit_url(application) -> str:
    """The applicant's secret link to their application."""
    return reverse("partner:application_edit", kwargs={"token": application.access_token})


def verify_on_page(client, data: dict, **extra) -> str:
    """Submit the public verifier's form, do what its worker does here, and return the result page."""
    from badges.models import VerificationJob
    from badges.tasks import run_verification_job

    response = client.post(reverse("badges:verify"), data, **extra)
    assert response.status_code == 302, response.content.decode()[:500]
    job = VerificationJob.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[1])
    run_verification_job(job.pk)
    return client.get(response["Location"], **extra).content.decode()


ROOT = Path(__file__).resolve().parents[1]
# What points a process at this suite's services: left out, the settings fall back on the
# embedded default (SQLite, tasks in-process, local cache).
_SUITE_SERVICES = ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_QUEUE", "MEDIA_ROOT", "DEBUG")


def run_on_embedded_default(script: str, var_dir: Path, *, timeout: int = 240) -> str:
    """Run ``script`` in a Python process of its own on the embedded default, its files in
    ``var_dir``; its standard output (the process must succeed)."""
    env = {key: value for key, value in os.environ.items() if key not in _SUITE_SERVICES}
    env.update(BADGEHUB_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="badgehub.settings", EMAIL_URL="dummymail://")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
