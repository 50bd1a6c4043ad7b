"""Redis stops while mediators issue through the partner form: every answer is a
success page, and once Redis is back every badge is signed, baked and mailed once.

Real components: our own redis-server, gunicorn and a prefork Celery worker with its
beat (the sweeper), all subprocesses (tests/resilience/stack.py)."""

import re
import threading

from django.urls import reverse
from django.utils import timezone

from badges.models import Application, Assertion, OutgoingEmail
from tests.resilience.stack import Browser, session_for, wait_for


def _fill_form(browser: Browser, badge_class, recipient: str) -> tuple[str, dict]:
    """Screens 2 and 3 of the partner form; returns the confirmation URL and what it posts."""
    issue = reverse("partner:issue", kwargs={"public_id": badge_class.public_id})
    preview = browser.post(issue, {"recipients": recipient, "narrative": "A envoyé un mail seule.",
                                   "evidence_url": "", "issued_on": timezone.localdate().isoformat()})
    assert preview.status_code == 200 and "/apercu/" in preview.url, preview.text[:500]
    token = re.search(r'name="idempotency_token" value="([0-9a-f]{32})"', preview.text).group(1)
    return preview.url, {"csrfmiddlewaretoken": browser.csrf(preview.text), "idempotency_token": token}


def _confirm(browser: Browser, url: str, data: dict):
    return browser.http.post(url, data=data, timeout=60, headers={"Referer": url})


def test_a_redis_outage_while_issuing_loses_nothing_and_doubles_nothing(stack, own_redis, mediator, requestable):
    badge_class = requestable
    # The worker as compose runs it: started again if it stops. kombu may fail to give back a
    # message the worker held unacknowledged when Redis went away ("Restoring 1 unacknowledged
    # message(s)", AttributeError on 'hostname', cf. celery/kombu#582) and the worker stops;
    # once Redis is back, the restarted worker's beat re-queues what was not done (the sweeper,
    # badges/services/recovery.py). Award e-mails wait their grouping delay, as in production.
    stack.start_web()
    stack.start_worker(restart=True)
    browser = Browser(stack.site_url, session_for(mediator))

    url, data = _fill_form(browser, badge_class, "Awa Diallo <awa@example.org>")
    assert "délivré à Awa Diallo" in _confirm(browser, url, data).text

    own_redis.stop()  # Redis is gone: the broker, and the cache of the forms' counters
    url, data = _fill_form(browser, badge_class, "Bruno Petit <bruno@example.org>")
    answers = []
    # The same confirmation sent twice at once (a double tap on a slow phone).
    doubled = [threading.Thread(target=lambda: answers.append(_confirm(browser, url, data))) for _ in range(2)]
    for thread in doubled:
        thread.start()
    for thread in doubled:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 200]
    assert any("délivré à Bruno Petit" in a.text for a in answers)
    # And sent again later (a retry after the page seemed to hang).
    assert _confirm(browser, url, data).status_code == 200

    url, data = _fill_form(browser, badge_class, "Chloé Martin <chloe@example.org>\nDavid Roux <david@example.org>")
    assert "délivré à 2 personnes" in _confirm(browser, url, data).text

    anonymous = Browser(stack.site_url, "")
    sign_in = anonymous.post(reverse("accounts:login_link_request"), {"email": mediator.email})
    assert sign_in.status_code == 200, sign_in.text[:300]
    applying = anonymous.post(reverse("partner:request", kwargs={"public_id": badge_class.public_id}),
                              {"name": "Eva Blanc", "email": "eva@example.org"})
    assert applying.status_code == 200, applying.text[:300]

    assert Assertion.objects.filter(baked_at__isnull=True).count() >= 3  # nothing could be signed meanwhile
    own_redis.start()

    recipients = ["awa@example.org", "bruno@example.org", "chloe@example.org", "david@example.org"]
    wait_for(lambda: not Assertion.objects.filter(baked_at__isnull=True).exists()
             and not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists(),
             timeout=90, what="every badge signed and baked, every e-mail sent")
    assertions = list(Assertion.objects.order_by("recipient_email"))
    assert [a.recipient_email for a in assertions] == recipients  # one badge each, none twice
    for assertion in assertions:
        assert assertion.ob3_credential["proof"] and assertion.ob2_jws
        assert assertion.baked_png.storage.exists(assertion.baked_png.name)
        assert assertion.baked_svg.storage.exists(assertion.baked_svg.name)
    assert Application.objects.filter(applicant_email="eva@example.org").count() == 1

    received = stack.mails_by_recipient()
    for recipient in recipients:
        assert len(received[recipient]) == 1, received[recipient]  # one award e-mail per badge
        assert OutgoingEmail.objects.get(to=recipient, template="award").status == OutgoingEmail.Status.SENT
    assert len(received[mediator.email]) == 1  # the sign-in link
    assert len(received["eva@example.org"]) == 1  # the link back to the application
    assert sum(sum(counter.values()) for counter in received.values()) == len(recipients) + 2
