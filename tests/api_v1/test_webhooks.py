"""Webhooks from outside: a local HTTP receiver checks each signature, a real worker sends."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from badges.api_v1 import webhooks
from badges.api_v1.models import Event, WebhookDelivery, WebhookEndpoint
from badges.api_v1.webhooks import signature_verify, webhook_endpoint_create
from badges.models import OutgoingEmail
from badges.services.emails import email_send
from tests.api_v1.conftest import bearer
from tests.factories import AssertionFactory


class Receiver:
    """An issuer's system: answers ``status`` and keeps what it received, signature checked."""

    def __init__(self):
        self.status = 200
        self.secret = ""
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({
                    "event": self.headers["Webhook-Event"], "body": json.loads(body),
                    "valid": signature_verify(secret=receiver.secret, header=self.headers["Webhook-Signature"],
                                              body=body),
                })
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@pytest.fixture
def receiver(settings):
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    server = Receiver()
    yield server
    server.server.shutdown()


def _endpoint(issuer, owner, receiver, events=None):
    endpoint, secret = webhook_endpoint_create(issuer=issuer, created_by=owner, url=receiver.url,
                                               events=events or list(Event.values))
    receiver.secret = secret
    return endpoint


def test_issuing_through_the_api_sends_a_signed_webhook_that_the_worker_delivers(
        celery_worker, receiver, issuer, owner, badge_class, token_of):
    _endpoint(issuer, owner, receiver)
    _token, secret = token_of(issuer, owner)
    response = bearer(secret).post("/api/v1/assertions/", {"badge_class": str(badge_class.public_id),
                                                           "recipient_email": "sam@example.org"}, format="json")
    assert response.status_code == 201
    received = receiver.wait_for(1)
    assert [r["event"] for r in received] == ["assertion.issued"]
    assert received[0]["valid"] is True
    assert received[0]["body"]["data"]["assertion"]["id"] == response.json()["id"]
    deadline = time.monotonic() + 10
    while WebhookDelivery.objects.get().status != "delivered" and time.monotonic() < deadline:
        time.sleep(0.05)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempt_log.get().status_code == 200


def test_revoking_sends_the_event_and_a_tampered_body_fails_the_signature(
        celery_worker, receiver, issuer, owner, badge_class, token_of):
    _endpoint(issuer, owner, receiver, events=["assertion.revoked"])
    assertion = AssertionFactory(badge_class=badge_class)
    _token, secret = token_of(issuer, owner)
    response = bearer(secret).post(f"/api/v1/assertions/{assertion.public_id}/revoke/",
                                   {"reason": "Erreur de saisie"}, format="json")
    assert response.status_code == 200
    received = receiver.wait_for(1)
    assert received[0]["event"] == "assertion.revoked" and received[0]["valid"]
    assert received[0]["body"]["data"]["assertion"]["revocation_reason"] == "Erreur de saisie"
    delivery = WebhookDelivery.objects.get()
    header = webhooks.signature_header(secret=receiver.secret, timestamp=int(time.time()), body=b'{"a":1}')
    assert signature_verify(secret=receiver.secret, header=header, body=b'{"a":1}')
    assert not signature_verify(secret=receiver.secret, header=header, body=b'{"a":2}')
    old = webhooks.signature_header(secret=receiver.secret, timestamp=int(time.time()) - 3600, body=b"{}")
    assert not signature_verify(secret=receiver.secret, header=old, body=b"{}"), "replayed an hour later"
    assert delivery.event == "assertion.revoked"


def test_a_failing_endpoint_gets_retries_then_is_disabled_after_24_hours_and_its_owner_told(
        db, receiver, issuer, owner, badge_class, django_capture_on_commit_callbacks):
    endpoint = _endpoint(issuer, owner, receiver)
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=False):
        AssertionFactory(badge_class=badge_class)
        webhooks.assertion_event(assertion=badge_class.assertions.get(), event=Event.ASSERTION_ISSUED)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_attempt(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.next_attempt_at > timezone.now(), "a retry is scheduled"
    assert delivery.attempt_log.get().status_code == 500
    assert webhooks.webhook_attempt(delivery_id=delivery.pk) == "not due", "backoff: not before its time"
    # A day of failures later (simulated: the first failure is moved back 24 h).
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=24, minutes=1))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(hours=24, minutes=1),
                                                          next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.webhook_attempt(delivery_id=delivery.pk) == "failed"
    endpoint.refresh_from_db()
    assert endpoint.active is False and endpoint.disabled_at is not None
    email = OutgoingEmail.objects.get(template="webhook_disabled")
    assert email.to == owner.email.lower()
    email_send(email=email)
    assert "désactivé" in mail.outbox[-1].subject and receiver.url in mail.outbox[-1].body
    assert str(endpoint.public_id) in mail.outbox[-1].body, "the link to its delivery log"
    assert len(receiver.received) == 2


def test_the_issuer_sees_the_delivery_log_and_resends(celery_worker, receiver, client, issuer, owner, badge_class):
    endpoint = _endpoint(issuer, owner, receiver)
    receiver.status = 503
    assertion = AssertionFactory(badge_class=badge_class)
    webhooks.assertion_event(assertion=assertion, event=Event.ASSERTION_ISSUED)
    receiver.wait_for(1)
    delivery = WebhookDelivery.objects.get()
    client.force_login(owner)
    page = client.get(reverse("partner:webhook_detail", kwargs={"issuer_id": issuer.public_id,
                                                                "public_id": endpoint.public_id}))
    deadline = time.monotonic() + 10
    while not delivery.attempt_log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    page = client.get(reverse("partner:webhook_detail", kwargs={"issuer_id": issuer.public_id,
                                                                "public_id": endpoint.public_id}))
    assert "HTTP 503" in page.content.decode() and "Renvoyer" in page.content.decode()
    receiver.status = 200
    client.post(reverse("partner:webhook_resend", kwargs={"issuer_id": issuer.public_id,
                                                          "public_id": endpoint.public_id,
                                                          "delivery_id": delivery.public_id}))
    received = receiver.wait_for(2)
    assert len(received) >= 2 and received[-1]["valid"]
    deadline = time.monotonic() + 10
    while WebhookDelivery.objects.get().status != "delivered" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert WebhookDelivery.objects.get().status == "delivered"


def test_an_issuer_never_receives_another_issuers_events_nor_sees_its_webhooks(
        db, receiver, client, issuer, owner, other_issuer, other_owner, other_badge_class, outsider):
    endpoint = _endpoint(issuer, owner, receiver)
    webhooks.assertion_event(assertion=AssertionFactory(badge_class=other_badge_class),
                             event=Event.ASSERTION_ISSUED)
    assert not WebhookDelivery.objects.exists()
    for person in (other_owner, outsider):
        client.force_login(person)
        for name in ("webhook_detail", "webhook_enable", "webhook_delete"):
            url = reverse(f"partner:{name}", kwargs={"issuer_id": issuer.public_id, "public_id": endpoint.public_id})
            response = client.get(url) if name == "webhook_detail" else client.post(url)
            assert response.status_code == 404
        assert client.get(reverse("partner:webhooks", kwargs={"issuer_id": issuer.public_id})).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).exists()


def test_private_addresses_are_refused_in_production(db, issuer, owner, badge_class, settings):
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True  # registered while allowed (or a name that now resolves there)
    webhook_endpoint_create(issuer=issuer, created_by=owner, url="http://127.0.0.1:9/hook",
                            events=["assertion.issued"])
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = False
    webhooks.assertion_event(assertion=AssertionFactory(badge_class=badge_class), event=Event.ASSERTION_ISSUED)
    delivery = WebhookDelivery.objects.get()
    webhooks.webhook_attempt(delivery_id=delivery.pk)
    assert "réseau privé" in delivery.attempt_log.get().error


def test_owners_register_a_webhook_and_see_its_secret_once(db, client, issuer, owner, mediator):
    client.force_login(mediator)
    url = reverse("partner:webhooks", kwargs={"issuer_id": issuer.public_id})
    assert client.get(url).status_code == 404, "a mediator does not manage webhooks"
    client.force_login(owner)
    page = client.post(url, {"url": "https://crm.example.org/hooks", "events": ["assertion.issued"]})
    assert page.status_code == 200 and "whsec_" in page.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert b"whsec_" not in bytes(endpoint.secret_encrypted)
    assert "whsec_" not in client.get(url).content.decode()


def test_a_private_address_is_refused_when_registered_in_production(db, issuer, owner, settings):
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = False
    for url in ("http://127.0.0.1:8000/h", "http://localhost/h", "http://10.0.0.5/h", "http://[::1]/h"):
        with pytest.raises(ValidationError):
            webhook_endpoint_create(issuer=issuer, created_by=owner, url=url, events=["assertion.issued"])
    assert not WebhookEndpoint.objects.exists()
