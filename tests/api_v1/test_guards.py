"""The API v1's guards, each on its own: a removed scope, owner, expiry, namespace, rate
limit or signature check makes one of these fail (docs/mutation.md, api_v1.protect)."""

import hashlib
import hmac
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from badges import throttle
from badges.api_v1 import webhooks
from badges.api_v1.models import ApiToken, Event, WebhookDelivery, WebhookEndpoint
from badges.api_v1.tokens import api_token_create, api_token_revoke
from badges.models import Assertion, IssueBatch
from issuers.models import Membership
from tests.api_v1.conftest import ALL_SCOPES, bearer
from tests.factories import AssertionFactory

pytestmark = pytest.mark.django_db

# Fixed, not drawn: test ids are made of it, and every pytest-xdist worker must collect the same ones.
ANY = uuid.UUID("00000000-0000-4000-8000-000000000000")
# Every operation and the one scope it needs.
OPERATIONS = [
    ("get", "/api/v1/badge-classes/", "read"),
    ("get", f"/api/v1/badge-classes/{ANY}/", "read"),
    ("get", "/api/v1/assertions/", "read"),
    ("post", "/api/v1/assertions/", "issue"),
    ("post", "/api/v1/assertions/batch/", "issue"),
    ("get", f"/api/v1/assertions/{ANY}/", "read"),
    ("post", f"/api/v1/assertions/{ANY}/revoke/", "revoke"),
    ("get", f"/api/v1/jobs/{ANY}/", "issue"),
    ("get", "/api/v1/applications/", "applications"),
    ("post", f"/api/v1/applications/{ANY}/accept/", "applications"),
    ("post", f"/api/v1/applications/{ANY}/refuse/", "applications"),
    ("post", f"/api/v1/applications/{ANY}/request-more/", "applications"),
    ("get", "/api/v1/pathways/", "read"),
    ("get", f"/api/v1/pathways/{ANY}/progress/", "read"),
]


@pytest.mark.parametrize("method, url, scope", OPERATIONS)
def test_every_operation_needs_its_own_scope_and_no_other(owner, issuer, token_of, method, url, scope):
    _token, without = token_of(issuer, owner, scopes=[s for s in ALL_SCOPES if s != scope])
    refused = getattr(bearer(without), method)(url, {}, format="json")
    assert refused.status_code == 403, f"{method} {url} without {scope}"
    _token, only = token_of(issuer, owner, scopes=[scope])
    allowed = getattr(bearer(only), method)(url, {}, format="json")
    assert allowed.status_code != 403, f"{method} {url} with {scope} only"


def test_a_token_whose_creator_is_deactivated_or_no_longer_staff_is_refused(owner, issuer, token_of):
    _token, secret = token_of(issuer, owner)
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 200
    owner.is_active = False
    owner.save()
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 401
    owner.is_active = True
    owner.save()
    Membership.objects.filter(user=owner, issuer=issuer).update(role=Membership.Role.MEDIATOR)
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 401, "a mediator now: the token goes"


def test_a_token_of_one_issuer_whose_creator_manages_another_issuer_reads_only_its_own(
        owner, issuer, other_issuer, badge_class, other_badge_class, token_of):
    Membership.objects.create(user=owner, issuer=other_issuer, role=Membership.Role.OWNER)
    _token, secret = token_of(issuer, owner)
    names = [item["name"] for item in bearer(secret).get("/api/v1/badge-classes/").json()]
    assert names == [badge_class.name]
    AssertionFactory(badge_class=other_badge_class)
    assert bearer(secret).get("/api/v1/assertions/").json()["results"] == []


def test_a_token_is_refused_once_its_expiry_passes(owner, issuer, token_of):
    token, secret = token_of(issuer, owner, expires_at=timezone.now() + timedelta(hours=1))
    assert token.is_active and bearer(secret).get("/api/v1/badge-classes/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    token.refresh_from_db()
    assert not token.is_active
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 401


def test_the_token_page_says_which_tokens_expired(client, owner, issuer, token_of):
    token, _secret = token_of(issuer, owner)
    client.force_login(owner)
    page = reverse("partner:api_tokens", kwargs={"issuer_id": issuer.public_id})
    assert "expiré" not in client.get(page).content.decode()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "expiré" in client.get(page).content.decode()


def test_only_owners_and_admins_create_or_revoke_tokens_even_through_the_service(mediator, owner, issuer, token_of):
    with pytest.raises(PermissionDenied):
        api_token_create(issuer=issuer, created_by=mediator, name="CRM", scopes=["read"])
    token, secret = token_of(issuer, owner)
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, revoked_by=mediator)
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 200


def test_a_token_needs_known_scopes_and_a_future_expiry(owner, issuer):
    for scopes in ([], ["read", "admin"]):
        with pytest.raises(ValidationError):
            api_token_create(issuer=issuer, created_by=owner, name="CRM", scopes=scopes)
    with pytest.raises(ValidationError):
        api_token_create(issuer=issuer, created_by=owner, name="CRM", scopes=["read"],
                         expires_at=timezone.now() - timedelta(minutes=1))
    assert not ApiToken.objects.exists()


def test_a_malformed_token_is_refused(owner, issuer, token_of):
    _token, secret = token_of(issuer, owner)
    prefix, lookup, rest = secret.split("_", 2)
    for forged in (f"xx_{lookup}_{rest}", f"bh_{lookup}_", f"bh__{rest}", secret + "A" * 200,
                   f"bh_{lookup}_{rest[:-1]}"):
        assert bearer(forged).get("/api/v1/badge-classes/").status_code == 401, forged
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 200


def test_an_idempotency_key_of_another_issuer_never_returns_our_badge(api, other_api, badge_class,
                                                                     other_badge_class):
    ours = api.post("/api/v1/assertions/", {"badge_class": str(badge_class.public_id), "idempotency_key": "crm-1",
                                            "recipient_email": "sam@example.org"}, format="json")
    theirs = other_api.post("/api/v1/assertions/", {"badge_class": str(other_badge_class.public_id),
                                                    "idempotency_key": "crm-1",
                                                    "recipient_email": "ali@example.org"}, format="json")
    assert ours.status_code == 201 and theirs.status_code == 201
    assert theirs.json()["id"] != ours.json()["id"] and theirs.json()["recipient_email"] == "ali@example.org"
    assert Assertion.objects.count() == 2


def test_a_batch_for_another_issuers_badge_is_not_found(other_api, badge_class):
    response = other_api.post("/api/v1/assertions/batch/", {"badge_class": str(badge_class.public_id),
                                                            "assertions": [{"recipient_email": "a@example.org"}]},
                              format="json")
    assert response.status_code == 404 and not IssueBatch.objects.exists()


def test_an_application_of_another_issuer_is_neither_refused_nor_sent_back(api, other_api, requestable):
    from badges import services

    application, _resumed = services.application_start(badge_class=requestable, name="Sam", email="sam@example.org")
    services.application_save(application=application, answers={"Quel mail avez-vous envoyé ?": "Un CV"})
    services.application_submit(application=application)
    url = f"/api/v1/applications/{application.public_id}"
    assert other_api.post(f"{url}/refuse/", {"comment": "Non"}, format="json").status_code == 404
    assert other_api.post(f"{url}/request-more/", {"comment": "Plus"}, format="json").status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_calls_with_bad_tokens_are_rate_limited_per_client(db, monkeypatch):
    monkeypatch.setattr(throttle, "API_PER_CLIENT", throttle.Rule("api-ip", 3, 10**9))
    statuses = [bearer("bh_guess_guess").get("/api/v1/badge-classes/").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


# --- Webhooks -----------------------------------------------------------------------------


@pytest.fixture
def endpoint(issuer, owner, settings):
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True
    return webhooks.webhook_endpoint_create(issuer=issuer, created_by=owner, url="https://crm.example.org/hooks",
                                            events=list(Event.values))


def test_each_delivery_is_signed_with_the_endpoint_secret_over_its_timestamp_and_body(
        endpoint, badge_class, monkeypatch):
    from badges import verification

    endpoint, secret = endpoint
    sent = []

    def receive(method, url, *, body, headers, seconds):
        sent.append((url, body, headers))
        return 200, "text/plain", b""

    monkeypatch.setattr(verification, "safe_request", receive)
    webhooks.assertion_event(assertion=AssertionFactory(badge_class=badge_class), event=Event.ASSERTION_ISSUED)
    assert webhooks.webhook_attempt(delivery_id=WebhookDelivery.objects.get().pk) == "delivered"
    url, body, headers = sent[0]
    assert url == "https://crm.example.org/hooks"
    stamp, mac = dict(part.split("=", 1) for part in headers["Webhook-Signature"].split(",")).values()
    assert abs(int(stamp) - timezone.now().timestamp()) < 60
    assert mac == hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert webhooks.signature_verify(secret=secret, header=headers["Webhook-Signature"], body=body)
    assert not webhooks.signature_verify(secret="whsec_other", header=headers["Webhook-Signature"], body=body)


def test_a_receiver_refuses_a_replayed_or_tampered_delivery(endpoint):
    _endpoint, secret = endpoint
    now = int(timezone.now().timestamp())
    header = webhooks.signature_header(secret=secret, timestamp=now, body=b'{"a":1}')
    assert webhooks.signature_verify(secret=secret, header=header, body=b'{"a":1}')
    assert not webhooks.signature_verify(secret=secret, header=header, body=b'{"a":2}')
    late = webhooks.signature_header(secret=secret, timestamp=now - webhooks.REPLAY_WINDOW_S - 5, body=b"{}")
    assert not webhooks.signature_verify(secret=secret, header=late, body=b"{}")


def test_only_owners_and_admins_manage_webhooks_even_through_the_service(endpoint, mediator, issuer, badge_class):
    endpoint, _secret = endpoint
    with pytest.raises(PermissionDenied):
        webhooks.webhook_endpoint_create(issuer=issuer, created_by=mediator, url="https://evil.example/h",
                                         events=["assertion.issued"])
    with pytest.raises(PermissionDenied):
        webhooks.webhook_endpoint_delete(endpoint=endpoint, deleted_by=mediator)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    with pytest.raises(PermissionDenied):
        webhooks.webhook_endpoint_enable(endpoint=endpoint, enabled_by=mediator)
    webhooks.assertion_event(assertion=AssertionFactory(badge_class=badge_class), event=Event.ASSERTION_ISSUED)
    assert not WebhookDelivery.objects.exists(), "a disabled endpoint is told nothing"
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=True)
    webhooks.assertion_event(assertion=AssertionFactory(badge_class=badge_class), event=Event.ASSERTION_ISSUED)
    with pytest.raises(PermissionDenied):
        webhooks.webhook_resend(delivery=WebhookDelivery.objects.get(), resent_by=mediator)
    assert WebhookEndpoint.objects.filter(issuer=issuer).count() == 1


def test_an_issuer_declares_at_most_ten_webhooks(endpoint, owner, issuer):
    for n in range(webhooks.MAX_ENDPOINTS_PER_ISSUER - 1):
        webhooks.webhook_endpoint_create(issuer=issuer, created_by=owner, url=f"https://crm.example.org/h{n}",
                                         events=["assertion.issued"])
    with pytest.raises(ValidationError):
        webhooks.webhook_endpoint_create(issuer=issuer, created_by=owner, url="https://crm.example.org/more",
                                         events=["assertion.issued"])
    assert WebhookEndpoint.objects.filter(issuer=issuer).count() == webhooks.MAX_ENDPOINTS_PER_ISSUER


def test_resending_is_rate_limited_per_account(endpoint, client, owner, issuer, badge_class, monkeypatch):
    monkeypatch.setattr(throttle, "WEBHOOK_RESEND_PER_ACCOUNT", throttle.Rule("webhook-resend-user", 2, 10**9))
    endpoint, _secret = endpoint
    webhooks.assertion_event(assertion=AssertionFactory(badge_class=badge_class), event=Event.ASSERTION_ISSUED)
    delivery = WebhookDelivery.objects.get()
    client.force_login(owner)
    url = reverse("partner:webhook_resend", kwargs={"issuer_id": issuer.public_id, "public_id": endpoint.public_id,
                                                    "delivery_id": delivery.public_id})
    assert [client.post(url).status_code for _ in range(3)] == [302, 302, 429]


def test_each_job_is_read_by_its_own_id_and_an_unknown_id_is_not_found(api, badge_class):
    jobs = [api.post("/api/v1/assertions/batch/", {"badge_class": str(badge_class.public_id), "assertions": [
        {"recipient_email": f"p{n}@example.org"}]}, format="json").json() for n in range(2)]
    for job in jobs:
        read = api.get(f"/api/v1/jobs/{job['id']}/")
        assert read.status_code == 200 and read.json()["id"] == job["id"] and read.json()["status"] == job["status"]
    assert api.get(f"/api/v1/jobs/{uuid.uuid4()}/").status_code == 404


def test_an_owner_never_reaches_another_issuers_webhook_through_their_own_pages(
        endpoint, client, other_issuer, other_owner, settings):
    ours, _secret = endpoint
    theirs, _their_secret = webhooks.webhook_endpoint_create(issuer=other_issuer, created_by=other_owner,
                                                             url="https://other.example.org/hooks",
                                                             events=["assertion.issued"])
    client.force_login(other_owner)
    for name in ("webhook_detail", "webhook_enable", "webhook_delete"):
        url = reverse(f"partner:{name}", kwargs={"issuer_id": other_issuer.public_id, "public_id": ours.public_id})
        response = client.get(url) if name == "webhook_detail" else client.post(url)
        assert response.status_code == 404, name
    assert WebhookEndpoint.objects.filter(pk=ours.pk).exists() and WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_two_issues_without_an_idempotency_key_are_two_badges(api, badge_class):
    first = api.post("/api/v1/assertions/", {"badge_class": str(badge_class.public_id),
                                             "recipient_email": "sam@example.org"}, format="json")
    second = api.post("/api/v1/assertions/", {"badge_class": str(badge_class.public_id),
                                              "recipient_email": "ali@example.org"}, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["recipient_email"] == "ali@example.org" and Assertion.objects.count() == 2


def test_each_assertion_is_read_and_revoked_by_its_own_id(api, badge_class):
    one, two = AssertionFactory(badge_class=badge_class), AssertionFactory(badge_class=badge_class)
    for assertion in (one, two):
        assert api.get(f"/api/v1/assertions/{assertion.public_id}/").json()["id"] == str(assertion.public_id)
    assert api.get(f"/api/v1/assertions/{uuid.uuid4()}/").status_code == 404
    revoked = api.post(f"/api/v1/assertions/{two.public_id}/revoke/", {"reason": "Erreur"}, format="json")
    assert revoked.status_code == 200
    one.refresh_from_db()
    two.refresh_from_db()
    assert not one.revoked and two.revoked


def test_an_owner_of_another_issuer_manages_none_of_our_webhooks_even_through_the_service(
        endpoint, issuer, other_owner):
    ours, _secret = endpoint
    with pytest.raises(PermissionDenied):
        webhooks.webhook_endpoint_create(issuer=issuer, created_by=other_owner, url="https://evil.example/h",
                                         events=["assertion.issued"])
    with pytest.raises(PermissionDenied):
        webhooks.webhook_endpoint_delete(endpoint=ours, deleted_by=other_owner)
    assert WebhookEndpoint.objects.filter(issuer=issuer).count() == 1


# "localhost." is refused by the URL field already; "app.localhost." passes it, and only the trailing
# dot stripped before the ".localhost" check refuses it.
@pytest.mark.parametrize("url", ["http://localhost./h", "http://app.localhost/h", "http://LOCALHOST/h",
                                 "http://app.localhost./h"])
def test_local_names_are_refused_when_registered_in_production(db, issuer, owner, settings, url):
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        webhooks.webhook_endpoint_create(issuer=issuer, created_by=owner, url=url, events=["assertion.issued"])
    assert not WebhookEndpoint.objects.exists()


def test_the_webhooks_page_refuses_a_local_name_written_with_a_trailing_dot(client, issuer, owner, settings):
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = False
    client.force_login(owner)
    page = client.post(reverse("partner:webhooks", kwargs={"issuer_id": issuer.public_id}),
                       {"url": "http://app.localhost./h", "events": ["assertion.issued"]})
    assert page.status_code == 200 and "réseau privé" in page.content.decode()
    assert "whsec_" not in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_call_without_a_bearer_token_is_refused_even_from_a_signed_in_owner(owner, badge_class):
    from rest_framework.test import APIClient

    anonymous, signed_in = APIClient(), APIClient()
    signed_in.force_login(owner)
    for client in (anonymous, signed_in):
        for url in ("/api/v1/badge-classes/", "/api/v1/assertions/"):
            answer = client.get(url)
            assert answer.status_code == 401, url
            assert badge_class.name not in answer.content.decode()


def test_a_head_request_needs_the_read_scope_as_a_get_does(owner, issuer, badge_class, token_of):
    _token, reader = token_of(issuer, owner, scopes=["read"])
    _token, issuer_only = token_of(issuer, owner, scopes=["issue"])
    assert bearer(reader).head("/api/v1/badge-classes/").status_code == 200
    assert bearer(issuer_only).head("/api/v1/badge-classes/").status_code == 403


def test_a_header_with_spaces_or_bytes_that_are_not_text_is_refused_with_its_reason(owner, issuer):
    from rest_framework.test import APIClient

    for header in ("Bearer two parts", b"Bearer bh_\xff\xfe"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        answer = client.get("/api/v1/badge-classes/")
        assert answer.status_code == 401, header
        assert "En-tête Authorization invalide." in answer.content.decode(), header


def test_a_refused_token_is_told_why_and_a_throttled_client_when_to_come_back(db, monkeypatch):
    refused = bearer("bh_guess_guess").get("/api/v1/badge-classes/")
    assert refused.status_code == 401 and "Jeton invalide, expiré ou révoqué." in refused.content.decode()
    monkeypatch.setattr(throttle, "API_PER_CLIENT", throttle.Rule("api-ip", 1, 10**9))
    bearer("bh_guess_guess").get("/api/v1/badge-classes/")
    throttled = bearer("bh_guess_guess").get("/api/v1/badge-classes/")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0


def test_staff_of_another_issuer_neither_create_nor_keep_a_token_of_ours(owner, issuer, other_issuer, mediator,
                                                                         token_of):
    Membership.objects.create(user=mediator, issuer=other_issuer, role=Membership.Role.OWNER)
    with pytest.raises(PermissionDenied):
        api_token_create(issuer=issuer, created_by=mediator, name="CRM", scopes=["read"])
    assert not ApiToken.objects.filter(issuer=issuer).exists()
    # An owner of ours who also owns another issuer, then made a mediator here: the token goes.
    Membership.objects.create(user=owner, issuer=other_issuer, role=Membership.Role.OWNER)
    _token, secret = token_of(issuer, owner)
    Membership.objects.filter(user=owner, issuer=issuer).update(role=Membership.Role.MEDIATOR)
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 401
