"""OB 3.0 API guards that tests/ob3api/test_provider.py leaves implicit (docs/mutation.md,
ob3api.protect): each one, removed, lets an application read or act where it should not."""

import json

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, RefreshToken

from badges import throttle
from badges.ob3api.scopes import CREDENTIAL_READ, CREDENTIAL_UPSERT
from tests.factories import UserFactory

from .conftest import CREDENTIALS, bearer, register

pytestmark = pytest.mark.django_db


def test_a_token_of_a_deactivated_account_is_refused(connect, beneficiary):
    token = connect(beneficiary, CREDENTIAL_READ)
    assert Client().get(CREDENTIALS, **bearer(token)).status_code == 200
    beneficiary.is_active = False
    beneficiary.save()
    assert Client().get(CREDENTIALS, **bearer(token)).status_code == 401


def test_calls_are_rate_limited_per_account(connect, beneficiary, monkeypatch):
    token = connect(beneficiary, CREDENTIAL_READ)
    monkeypatch.setattr(throttle, "API_PER_ACCOUNT", throttle.Rule("api-user", 2, 10**9))
    answers = [Client().get(CREDENTIALS, **bearer(token)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


def test_upserts_are_rate_limited_per_account(connect, beneficiary, monkeypatch):
    token = connect(beneficiary, CREDENTIAL_UPSERT)
    monkeypatch.setattr(throttle, "VERIFIER_PER_CLIENT", throttle.Rule("verify-ip", 1, 10**9))
    statuses = [Client().post(CREDENTIALS, data=json.dumps({"type": ["VerifiableCredential"]}),
                              content_type="application/json", **bearer(token)).status_code for _ in range(2)]
    assert statuses == [400, 429]


def test_disconnecting_an_application_leaves_other_peoples_connections_alone(connect, app, beneficiary):
    stranger = UserFactory(username="stranger")
    theirs = connect(stranger, CREDENTIAL_READ)
    mine = connect(beneficiary, CREDENTIAL_READ)
    browser = Client()
    browser.force_login(beneficiary)
    browser.post(f"/passeport/applications/{app['client_id']}/deconnecter/")
    assert Client().get(CREDENTIALS, **bearer(mine)).status_code == 401
    assert Client().get(CREDENTIALS, **bearer(theirs)).status_code == 200
    assert RefreshToken.objects.filter(user=stranger, revoked__isnull=True).count() == 1
    assert AccessToken.objects.filter(user=stranger).count() == 1


def test_an_application_without_a_live_token_is_no_longer_listed_as_connected(connect, app, beneficiary):
    from django.utils import timezone

    from badges.ob3api.selectors import connected_applications

    connect(beneficiary, CREDENTIAL_READ)
    assert [a.client_id for a in connected_applications(user=beneficiary)] == [app["client_id"]]
    assert list(connected_applications(user=UserFactory(username="stranger"))) == []
    AccessToken.objects.update(expires=timezone.now())
    assert [a.client_id for a in connected_applications(user=beneficiary)] == [app["client_id"]], "refresh token"
    for refresh_token in RefreshToken.objects.all():
        refresh_token.revoke()
    assert list(connected_applications(user=beneficiary)) == []


@pytest.mark.parametrize("uri", ["http://localhost:8080/cb", "http://127.0.0.1/cb", "http://[::1]:9000/cb"])
def test_plain_http_redirects_go_only_to_this_machine_and_never_in_production(client, settings, uri):
    assert register(client, redirect_uris=[uri]).status_code == 201
    settings.PRODUCTION = True
    refused = register(client, redirect_uris=[uri])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_redirect_uri"


@pytest.mark.parametrize("uri", ["http://localhost.evil.example/cb", "http://10.0.0.1/cb",
                                 "https://u:p@wallet.example/cb", "https:///cb", "https://wallet.example/" + "x" * 490])
def test_a_redirect_uri_elsewhere_or_with_credentials_is_refused(client, uri):
    refused = register(client, redirect_uris=[uri])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_redirect_uri"


def test_badges_another_person_imported_are_never_returned(connect, beneficiary):
    from django.utils import timezone

    from badges.models import ImportedBadge

    stranger = UserFactory(username="stranger")
    kept = {"id": "urn:uuid:7f1d0c6e-0000-4000-8000-000000000001", "type": ["VerifiableCredential"],
            "proof": [{"type": "DataIntegrityProof"}], "name": "Badge de l'inconnu"}
    ImportedBadge.objects.create(user=stranger, recipient_email="stranger@example.org", document_id=kept["id"],
                                 badge_name=kept["name"], version="ob3", source=ImportedBadge.Source.JSON,
                                 original_document=kept, issued_on=timezone.now(), verified_status="valid")
    mine = Client().get(CREDENTIALS, **bearer(connect(beneficiary, CREDENTIAL_READ)))
    assert mine["X-Total-Count"] == "0" and "Badge de l'inconnu" not in mine.content.decode()
    theirs = Client().get(CREDENTIALS, **bearer(connect(stranger, CREDENTIAL_READ)))
    assert theirs.json()["credential"] == [kept]
