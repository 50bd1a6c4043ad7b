"""Disconnecting one application from the passport (docs/mutation.md, ob3api.protect): it stops
that application for that person — its tokens and the codes it was given and has not yet
exchanged — and nothing else: not the person's other applications, not other people."""

from datetime import timedelta

import pytest
from authlib.common.security import generate_token
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model

from badges.ob3api.scopes import CREDENTIAL_READ
from badges.ob3api.selectors import connected_applications
from badges.ob3api.services import application_disconnect
from tests.factories import UserFactory

from .conftest import CREDENTIALS, allow, authorization_query, bearer, code_from, exchange, register

pytestmark = pytest.mark.django_db


def pending_code(user, app: dict) -> tuple[str, str]:
    """A code ``user`` allowed ``app`` to have, not exchanged yet: (code, verifier)."""
    browser = Client()
    browser.force_login(user)
    verifier = generate_token(64)
    return code_from(allow(browser, authorization_query(app, scope=CREDENTIAL_READ, verifier=verifier))), verifier


def disconnect(user, app: dict):
    browser = Client()
    browser.force_login(user)
    return browser.post(f"/passeport/applications/{app['client_id']}/deconnecter/", follow=True)


@pytest.fixture
def other_app(db) -> dict:
    answer = register(Client(), client_name="Autre Portefeuille")
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_disconnecting_one_application_leaves_the_persons_other_applications_working(connect, app, other_app,
                                                                                    beneficiary):
    mine = connect(beneficiary, CREDENTIAL_READ)
    other = connect(beneficiary, CREDENTIAL_READ, application=other_app)
    code, verifier = pending_code(beneficiary, other_app)
    page = disconnect(beneficiary, app).content.decode()
    assert "Autre Portefeuille" in page
    assert Client().get(CREDENTIALS, **bearer(mine)).status_code == 401
    assert Client().get(CREDENTIALS, **bearer(other)).status_code == 200
    assert exchange(Client(), other_app, code, verifier).status_code == 200
    assert [a.client_id for a in connected_applications(user=beneficiary)] == [other_app["client_id"]]


def test_a_code_allowed_before_disconnecting_gives_no_token_afterwards(connect, app, beneficiary):
    connect(beneficiary, CREDENTIAL_READ)
    code, verifier = pending_code(beneficiary, app)
    disconnect(beneficiary, app)
    refused = exchange(Client(), app, code, verifier)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert list(connected_applications(user=beneficiary)) == []


def test_someone_else_s_code_for_the_same_application_still_works_after_a_disconnection(connect, app, beneficiary):
    connect(beneficiary, CREDENTIAL_READ)
    stranger = UserFactory(username="stranger")
    code, verifier = pending_code(stranger, app)
    disconnect(beneficiary, app)
    assert exchange(Client(), app, code, verifier).status_code == 200


def test_the_service_also_revokes_an_access_token_held_without_a_refresh_token(app, beneficiary):
    application = get_application_model().objects.get(client_id=app["client_id"])
    AccessToken.objects.create(user=beneficiary, application=application, token="held-alone", scope=CREDENTIAL_READ,
                               expires=timezone.now() + timedelta(hours=1))
    assert [a.client_id for a in connected_applications(user=beneficiary)] == [app["client_id"]]
    assert Client().get(CREDENTIALS, **bearer("held-alone")).status_code == 200
    application_disconnect(user=beneficiary, application=application)
    assert Client().get(CREDENTIALS, **bearer("held-alone")).status_code == 401
    assert list(connected_applications(user=beneficiary)) == []


def test_an_expired_access_token_held_alone_no_longer_counts_as_connected(app, beneficiary):
    application = get_application_model().objects.get(client_id=app["client_id"])
    held = AccessToken.objects.create(user=beneficiary, application=application, token="held-alone",
                                      scope=CREDENTIAL_READ, expires=timezone.now() + timedelta(hours=1))
    assert [a.client_id for a in connected_applications(user=beneficiary)] == [app["client_id"]]
    held.expires = timezone.now() - timedelta(seconds=1)
    held.save()
    assert list(connected_applications(user=beneficiary)) == []


def test_an_application_registered_in_the_admin_without_a_profile_may_ask_for_every_scope(connect, beneficiary):
    """Only registration through the API records the scopes an application may ask for; one an
    administrator creates by hand has no such limit (and must not make the token endpoint fail)."""
    from oauth2_provider.models import RefreshToken

    from badges.ob3api.scopes import ALL_SCOPES
    from tests.ob3api.conftest import CALLBACK

    application = get_application_model().objects.create(
        name="Outil interne", client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris=CALLBACK, client_secret="a-secret-typed-in-the-admin", hash_client_secret=True)
    token = connect(beneficiary, " ".join(ALL_SCOPES), application={
        "client_id": application.client_id, "client_secret": "a-secret-typed-in-the-admin"})
    assert Client().get(CREDENTIALS, **bearer(token)).status_code == 200
    assert set(AccessToken.objects.get(application=application).scope.split()) == set(ALL_SCOPES)
    assert RefreshToken.objects.filter(application=application, user=beneficiary).exists()
