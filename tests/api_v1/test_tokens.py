"""API tokens: created and revoked by issuer owners and admins, shown once, stored hashed."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from badges import throttle
from badges.api_v1.models import ApiToken
from issuers.audit.models import AuditEvent
from tests.api_v1.conftest import bearer

pytestmark = pytest.mark.django_db


def _page(issuer):
    return reverse("partner:api_tokens", kwargs={"issuer_id": issuer.public_id})


def test_an_owner_creates_a_token_shown_once_and_stored_as_a_digest(client, owner, issuer, badge_class):
    client.force_login(owner)
    page = client.post(_page(issuer), {"name": "CRM de l'association", "scopes": ["read", "issue"]})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    secret = page.context["secret"]
    assert secret.startswith("bh_") and secret in page.content.decode()
    token = ApiToken.objects.get()
    assert token.scopes == ["issue", "read"] and token.created_by == owner
    assert secret.split("_", 2)[2] not in str(ApiToken.objects.values().get())
    assert token.secret_sha256 == hashlib.sha256(secret.split("_", 2)[2].encode()).hexdigest()
    assert secret not in client.get(_page(issuer)).content.decode(), "never shown again"
    assert AuditEvent.objects.filter(action="api_token_created", issuer=issuer, actor=owner).exists()
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 200
    listing = client.get(_page(issuer)).content.decode()
    assert "jamais utilisé" not in listing, "the last use is shown"


def test_a_revoked_token_stops_working_at_once_and_the_revocation_is_recorded(client, owner, issuer, token_of):
    token, secret = token_of(issuer, owner)
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 200
    client.force_login(owner)
    client.post(reverse("partner:api_token_revoke", kwargs={"issuer_id": issuer.public_id,
                                                            "public_id": token.public_id}))
    response = bearer(secret).get("/api/v1/badge-classes/")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action="api_token_revoked", issuer=issuer).exists()


def test_mediators_and_other_issuers_cannot_manage_tokens(client, mediator, outsider, other_owner, owner, issuer,
                                                          token_of):
    token, secret = token_of(issuer, owner)
    for person in (mediator, outsider, other_owner):
        client.force_login(person)
        assert client.get(_page(issuer)).status_code == 404
        revoke = reverse("partner:api_token_revoke", kwargs={"issuer_id": issuer.public_id,
                                                             "public_id": token.public_id})
        assert client.post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_expired_forged_and_orphaned_tokens_are_refused(owner, issuer, token_of):
    _token, expired = token_of(issuer, owner)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(expired).get("/api/v1/badge-classes/").status_code == 401
    token, secret = token_of(issuer, owner, expires_at=timezone.now() + timedelta(days=30))
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert bearer(forged).get("/api/v1/badge-classes/").status_code == 401
    assert bearer("nothing").get("/api/v1/badge-classes/").status_code == 401
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 200
    owner.memberships.all().delete()  # its creator left the structure
    assert bearer(secret).get("/api/v1/badge-classes/").status_code == 401


def test_a_token_only_does_what_its_scopes_allow(owner, issuer, badge_class, token_of):
    _token, secret = token_of(issuer, owner, scopes=["read"])
    api = bearer(secret)
    assert api.get("/api/v1/assertions/").status_code == 200
    refused = api.post("/api/v1/assertions/", {"badge_class": str(badge_class.public_id),
                                                "recipient_email": "sam@example.org"}, format="json")
    assert refused.status_code == 403 and refused.json()["title"] == "Accès refusé"
    assert api.get("/api/v1/applications/").status_code == 403


def test_each_token_is_rate_limited_on_its_own(owner, issuer, token_of, monkeypatch):
    monkeypatch.setattr(throttle, "API_PER_TOKEN", throttle.Rule("api-token", 3, 3600))
    _first, secret = token_of(issuer, owner)
    _second, other = token_of(issuer, owner)
    statuses = [bearer(secret).get("/api/v1/badge-classes/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = bearer(secret).get("/api/v1/badge-classes/")
    assert limited["Content-Type"] == "application/problem+json" and int(limited["Retry-After"]) > 0
    assert bearer(other).get("/api/v1/badge-classes/").status_code == 200
