"""A worker killed with SIGKILL in the middle of a CSV batch: a new worker finishes
the batch by itself, each row issued once, each e-mail sent once."""

import signal

from django.db.models import Count
from django.urls import reverse

from badges.models import Assertion, IssueBatch, OutgoingEmail
from tests.resilience.stack import Browser, session_for, wait_for

ROWS = 600


def test_b_a_batch_whose_worker_was_killed_completes_with_each_row_issued_once(stack, mediator, badge_class):
    stack.start_web()
    first = stack.start_worker()
    browser = Browser(stack.site_url, session_for(mediator))
    csv = "nom;e-mail\n" + "".join(f"Personne {n};personne{n}@example.org\n" for n in range(ROWS))
    checked = browser.post(reverse("partner:batch_new", kwargs={"public_id": badge_class.public_id}),
                           {"narrative": "Atelier du mardi"}, files={"file": ("groupe.csv", csv.encode())})
    assert checked.status_code == 200 and "/groupes/" in checked.url, checked.text[:300]
    batch = IssueBatch.objects.get()
    start = reverse("partner:batch_start", kwargs={"public_id": batch.public_id})
    assert browser.post(start, {}, page=checked.url).status_code == 200

    def partly_done():
        batch.refresh_from_db()
        return 0 < batch.done < ROWS - 100

    wait_for(partly_done, timeout=60, what="the batch to be part-way", every=0.02)
    first.stop(signal.SIGKILL)  # the worker, its pool processes and its beat, with no chance to clean up
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.RUNNING and batch.done < ROWS

    stack.start_worker()  # nothing else: no button pressed, no message given back by Redis (30 min)

    def finished():
        batch.refresh_from_db()
        return batch.status == IssueBatch.Status.DONE and not OutgoingEmail.objects.exclude(
            status=OutgoingEmail.Status.SENT).exists() and not Assertion.objects.filter(baked_at__isnull=True).exists()

    wait_for(finished, timeout=120, what="the batch to finish, signed, baked and mailed")
    assert batch.done == ROWS and batch.skipped == 0
    assert Assertion.objects.count() == ROWS
    assert not Assertion.objects.values("recipient_email").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert OutgoingEmail.objects.filter(template="award").count() == ROWS

    received = stack.mails_by_recipient()
    assert len(received) == ROWS
    # One message per person. A copy sent again because the worker died between the mail
    # server's acceptance and recording it sent is the same message (same Message-ID).
    assert all(len(message_ids) == 1 for message_ids in received.values())
