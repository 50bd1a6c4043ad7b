"""The OB 3.0 API as a Service Provider, seen by applications, beneficiaries and attackers."""

import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.common.security import generate_token
from django.test import Client
from oauth2_provider.models import AccessToken, Application, RefreshToken

from badges.issuing import assertion_finalise
from badges.models import Assertion, ImportedBadge
from badges.ob3api.scopes import ALL_SCOPES, CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE
from badges.services import assertion_issue
from tests.factories import UserFactory

from .conftest import CALLBACK, CREDENTIALS, PROFILE, allow, authorization_query, bearer, code_from, exchange, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(badge_class, owner, beneficiary) -> Assertion:
    """A badge of the beneficiary, private (the default), signed."""
    issued = assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, recipient_name="Sam",
                             issued_by=owner)
    return assertion_finalise(assertion=issued)


def _minor(response) -> str:
    return response.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]


# --- Discovery and registration ---------------------------------------------------

def test_discovery_describes_the_authorization_code_flow_the_registration_url_and_the_four_scopes(client):
    answer = client.get("/ims/ob/v3p0/discovery")
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"].startswith("3.0")
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"].endswith("/ims/ob/v3p0/oauth/register")
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"].endswith("/ims/ob/v3p0/oauth/authorize")
    assert flow["tokenUrl"].endswith("/ims/ob/v3p0/oauth/token") and flow["refreshUrl"] == flow["tokenUrl"]
    assert set(flow["scopes"]) == set(ALL_SCOPES)
    assert {"/credentials", "/profile", "/discovery"} <= set(document["paths"])


def test_registration_answers_the_client_id_a_secret_and_the_metadata_and_keeps_the_secret_hashed(client):
    answer = register(client)
    assert answer.status_code == 201
    body = answer.json()
    assert body["client_secret"] and body["client_secret_expires_at"] == 0
    assert body["redirect_uris"] == [CALLBACK] and body["scope"] == " ".join(ALL_SCOPES)
    stored = Application.objects.get(client_id=body["client_id"])
    assert stored.client_secret != body["client_secret"]  # a password hash, not the secret
    assert stored.name == "Portefeuille Externe"


@pytest.mark.parametrize("uri", ["http://wallet.example/callback", "https://wallet.example/cb#fragment",
                                 "https://user:pass@wallet.example/cb", "javascript:alert(1)", "/relative"])
def test_registration_refuses_a_redirect_uri_the_code_could_leak_through(client, uri):
    answer = register(client, redirect_uris=[uri])
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_redirect_uri"
    assert not Application.objects.exists()


def test_registration_refuses_scopes_that_are_not_open_badges_scopes(client):
    answer = register(client, scope="read write")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_client_metadata"


def test_registration_refuses_a_public_client_or_another_grant(client):
    assert register(client, token_endpoint_auth_method="none").status_code == 400
    assert register(client, grant_types=["client_credentials"]).status_code == 400


def test_registrations_from_one_address_are_limited(client):
    for _ in range(10):
        assert register(client).status_code == 201
    answer = register(client)
    assert answer.status_code == 429 and answer["Retry-After"]
    assert Application.objects.count() == 10


# --- Authorization ----------------------------------------------------------------

def test_the_authorization_page_says_in_french_who_asks_for_what(app, beneficiary):
    browser = Client()
    browser.force_login(beneficiary)
    page = browser.get(authorization_query(app, scope=f"{CREDENTIAL_READ} {PROFILE_READ}",
                                           verifier=generate_token(64)))
    text = page.content.decode()
    assert page.status_code == 200
    assert "« Portefeuille Externe » demande l'accès à votre passeport" in text
    assert "Voir tous vos badges, y compris ceux que vous gardez privés" in text
    assert "Voir votre nom et votre adresse e-mail" in text
    assert "Ajouter des badges" not in text  # not asked for
    assert "wallet.example" in text and "Autoriser" in text and "Refuser" in text
    # Allowing redirects to the application: the page's CSP lets that form go there, and only there.
    assert "form-action 'self' https://wallet.example" in page["Content-Security-Policy"]


def test_someone_signed_out_is_asked_to_sign_in_first(app):
    page = Client().get(authorization_query(app, scope=CREDENTIAL_READ, verifier=generate_token(64)))
    assert page.status_code == 302 and page["Location"].startswith("/compte/connexion/")


def test_a_refused_authorization_gives_the_application_no_code(app, beneficiary):
    browser = Client()
    browser.force_login(beneficiary)
    answer = allow(browser, authorization_query(app, scope=CREDENTIAL_READ, verifier=generate_token(64)),
                   allow=False)
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["error"] == ["access_denied"] and "code" not in query
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("verifier, method", [(None, None), ("x" * 64, "plain")])
def test_an_authorization_without_pkce_s256_is_refused_before_anything_is_asked(app, beneficiary, verifier, method):
    browser = Client()
    browser.force_login(beneficiary)
    answer = browser.get(authorization_query(app, scope=CREDENTIAL_READ, verifier=verifier, method=method or "S256"))
    assert answer.status_code == 400
    assert "Cette demande d'accès n'est pas valable" in answer.content.decode()
    assert 'id="authorizationForm"' not in answer.content.decode()


def test_a_code_is_useless_without_its_verifier(app, beneficiary):
    browser = Client()
    browser.force_login(beneficiary)
    verifier = generate_token(64)
    code = code_from(allow(browser, authorization_query(app, scope=CREDENTIAL_READ, verifier=verifier)))
    assert exchange(Client(), app, code, generate_token(64)).status_code == 400
    assert not AccessToken.objects.exists()


def test_an_application_cannot_ask_for_a_scope_it_did_not_register(client, beneficiary):
    readonly = register(client, scope=CREDENTIAL_READ).json()
    browser = Client()
    browser.force_login(beneficiary)
    answer = browser.get(authorization_query(readonly, scope=f"{CREDENTIAL_READ} {CREDENTIAL_UPSERT}",
                                             verifier=generate_token(64)))
    assert "code=" not in answer.get("Location", "")
    assert "Ajouter des badges" not in answer.content.decode()


def test_tokens_are_stored_as_checksums_only(connect, beneficiary):
    token = connect(beneficiary)
    stored = AccessToken.objects.get(user=beneficiary)
    assert stored.token == "" and token not in stored.token_checksum
    assert RefreshToken.objects.get(user=beneficiary).token == ""


# --- Resource endpoints --------------------------------------------------------------

def test_get_credentials_returns_the_owners_private_badges_as_issued(connect, beneficiary, held):
    assert held.visibility == Assertion.Visibility.PRIVATE
    answer = Client().get(CREDENTIALS, **bearer(connect(beneficiary, CREDENTIAL_READ)))
    assert answer.status_code == 200
    assert answer.json() == {"credential": [held.ob3_credential], "compactJwsString": [held.ob3_jwt]}
    assert answer["X-Total-Count"] == "1"


def test_another_persons_badges_are_never_returned(connect, beneficiary, held):
    stranger = UserFactory(username="stranger")
    answer = Client().get(CREDENTIALS, **bearer(connect(stranger, CREDENTIAL_READ)))
    assert answer.json() == {"credential": [], "compactJwsString": []}
    assert answer["X-Total-Count"] == "0"
    assert held.ob3_credential["id"] not in answer.content.decode()


def test_since_keeps_only_badges_issued_after_it(connect, beneficiary, held):
    later = held.issued_on.isoformat()
    answer = Client().get(CREDENTIALS, {"since": later}, **bearer(connect(beneficiary, CREDENTIAL_READ)))
    assert answer["X-Total-Count"] == "0"


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "dix"}, {"offset": "-1"}, {"since": "hier"}])
def test_a_bad_query_parameter_is_a_400_imsx_status(connect, beneficiary, query):
    answer = Client().get(CREDENTIALS, query, **bearer(connect(beneficiary, CREDENTIAL_READ)))
    assert answer.status_code == 400
    assert answer.json()["imsx_codeMajor"] == "failure" and _minor(answer) == "invalid_query_parameter"


def test_a_call_without_a_valid_token_is_a_401_imsx_status(db):
    for headers in ({}, bearer("not-a-token")):
        answer = Client().get(CREDENTIALS, **headers)
        assert answer.status_code == 401 and _minor(answer) == "unauthorizedrequest"
        assert answer["WWW-Authenticate"].startswith("Bearer")


def test_a_token_without_the_right_scope_is_a_403_imsx_status(connect, beneficiary, held):
    token = connect(beneficiary, PROFILE_READ)
    for answer in (Client().get(CREDENTIALS, **bearer(token)),
                   Client().post(CREDENTIALS, data=json.dumps(held.ob3_credential), content_type="application/json",
                                 **bearer(token)),
                   Client().put(PROFILE, data=json.dumps({"type": "Profile", "name": "X"}),
                                content_type="application/json", **bearer(token))):
        assert answer.status_code == 403 and _minor(answer) == "forbidden"
    assert Client().get(PROFILE, **bearer(token)).status_code == 200


def test_a_token_in_the_query_string_is_not_accepted(connect, beneficiary):
    token = connect(beneficiary, CREDENTIAL_READ)
    assert Client().get(CREDENTIALS, {"access_token": token}).status_code == 401


def test_upserting_a_badge_issued_to_someone_else_is_refused(connect, beneficiary, badge_class, owner):
    theirs = assertion_finalise(assertion=assertion_issue(badge_class=badge_class, recipient_email="other@example.org",
                                                          recipient_name="Autre", issued_by=owner))
    answer = Client().post(CREDENTIALS, data=json.dumps(theirs.ob3_credential), content_type="application/json",
                           **bearer(connect(beneficiary, CREDENTIAL_UPSERT)))
    assert answer.status_code == 400
    assert "n'a pas été délivré à l'une de vos adresses vérifiées" in answer.json()["imsx_description"]
    assert not ImportedBadge.objects.exists()


def test_upserting_a_tampered_badge_is_refused(connect, beneficiary, held):
    tampered = dict(held.ob3_credential, name="Je sais piloter un avion")
    answer = Client().post(CREDENTIALS, data=json.dumps(tampered), content_type="application/json",
                           **bearer(connect(beneficiary, CREDENTIAL_UPSERT)))
    assert answer.status_code == 400 and not ImportedBadge.objects.exists()


def test_upserting_a_vc_jwt_answers_it_as_sent_then_200_when_sent_again(connect, beneficiary, held):
    token = connect(beneficiary, CREDENTIAL_UPSERT)
    first = Client().post(CREDENTIALS, data=held.ob3_jwt, content_type="text/plain", **bearer(token))
    assert first.status_code == 201, first.content
    assert first.content.decode() == held.ob3_jwt and first["Content-Type"].startswith("text/plain")
    assert Client().post(CREDENTIALS, data=held.ob3_jwt, content_type="text/plain", **bearer(token)).status_code == 200
    assert ImportedBadge.objects.filter(user=beneficiary).count() == 1


def test_get_profile_names_the_person_and_put_profile_changes_only_the_name(connect, beneficiary):
    token = connect(beneficiary, f"{PROFILE_READ} {PROFILE_UPDATE}")
    profile = Client().get(PROFILE, **bearer(token)).json()
    assert profile["type"] == "Profile" and profile["email"] == beneficiary.email
    # A UUID of its own, not the account's number dressed as one (a substring test of the number
    # failed by chance: "71" can appear in any random hex).
    assert profile["id"].startswith("urn:uuid:")
    assert uuid.UUID(profile["id"].removeprefix("urn:uuid:")) != uuid.UUID(int=beneficiary.pk)
    assert Client().get(PROFILE, **bearer(token)).json()["id"] == profile["id"]
    updated = Client().put(PROFILE, data=json.dumps({**profile, "name": "Sam L."}), content_type="application/json",
                           **bearer(token))
    assert updated.status_code == 200 and updated.json()["name"] == "Sam L."
    refused = Client().put(PROFILE, data=json.dumps({**profile, "email": "pirate@example.org"}),
                           content_type="application/json", **bearer(token))
    assert refused.status_code == 400
    assert Client().get(PROFILE, **bearer(token)).json()["email"] == beneficiary.email


# --- Connected applications in the wallet ----------------------------------------------

def test_the_wallet_lists_connected_applications_and_disconnecting_revokes_their_tokens(connect, app, beneficiary,
                                                                                         held):
    token = connect(beneficiary, CREDENTIAL_READ)
    browser = Client()
    browser.force_login(beneficiary)
    assert "Applications connectées" in browser.get("/passeport/").content.decode()
    page = browser.get("/passeport/applications/").content.decode()
    assert "Portefeuille Externe" in page and "Déconnecter" in page
    answer = browser.post(f"/passeport/applications/{app['client_id']}/deconnecter/", follow=True)
    assert "est déconnectée" in answer.content.decode()
    assert "Aucune application n'est connectée" in answer.content.decode()
    assert Client().get(CREDENTIALS, **bearer(token)).status_code == 401
    assert not RefreshToken.objects.filter(user=beneficiary, revoked__isnull=True).exists()


def test_nobody_disconnects_an_application_of_someone_else(connect, app, beneficiary):
    token = connect(beneficiary, CREDENTIAL_READ)
    stranger = UserFactory(username="stranger")
    browser = Client()
    browser.force_login(stranger)
    assert browser.post(f"/passeport/applications/{app['client_id']}/deconnecter/").status_code == 404
    assert Client().get(CREDENTIALS, **bearer(token)).status_code == 200
