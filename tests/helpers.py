"""Small helpers shared by test modules."""


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
