"""An application connecting to our OB 3.0 API through Django's test client: it registers,
the person (logged in) allows it on the authorization page, it exchanges the code (PKCE S256)."""

import base64
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.test import Client

from badges.ob3api.scopes import ALL_SCOPES

CALLBACK = "https://wallet.example/callback"
REGISTER = "/ims/ob/v3p0/oauth/register"
AUTHORIZE = "/ims/ob/v3p0/oauth/authorize"
TOKEN = "/ims/ob/v3p0/oauth/token"
CREDENTIALS = "/ims/ob/v3p0/credentials"
PROFILE = "/ims/ob/v3p0/profile"


def registration(**overrides) -> dict:
    return {"client_name": "Portefeuille Externe", "client_uri": "https://wallet.example",
            "redirect_uris": [CALLBACK], "token_endpoint_auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "scope": " ".join(ALL_SCOPES), **overrides}


def register(client: Client, **overrides):
    return client.post(REGISTER, data=json.dumps(registration(**overrides)), content_type="application/json")


def authorization_query(app: dict, *, scope: str, verifier: str | None, method: str = "S256", **extra) -> str:
    query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": CALLBACK, "scope": scope,
             "state": "st4te", **extra}
    if verifier is not None:
        query["code_challenge"] = create_s256_code_challenge(verifier) if method == "S256" else verifier
        query["code_challenge_method"] = method
    return AUTHORIZE + "?" + urlencode(query)


def allow(browser: Client, url: str, *, allow: bool = True):
    """The person reads the page and answers: the form posts its hidden fields back."""
    page = browser.get(url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if form.fields[name].widget.is_hidden}
    if allow:
        data["allow"] = "Authorize"
    return browser.post(url, data=data)


def basic(app: dict) -> str:
    return "Basic " + base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()


def code_from(response) -> str:
    query = parse_qs(urlsplit(response["Location"]).query)
    return query["code"][0]


def exchange(client: Client, app: dict, code: str, verifier: str):
    return client.post(TOKEN, data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                                    "code_verifier": verifier}, HTTP_AUTHORIZATION=basic(app))


@pytest.fixture
def app(db) -> dict:
    answer = register(Client())
    assert answer.status_code == 201, answer.content
    return answer.json()


@pytest.fixture
def connect(app):
    """``connect(user, scope)``: the access token an application gets once ``user`` allows it."""

    def run(user, scope: str = " ".join(ALL_SCOPES), application: dict | None = None) -> str:
        application = application or app
        browser = Client()
        browser.force_login(user)
        verifier = generate_token(64)
        answer = allow(browser, authorization_query(application, scope=scope, verifier=verifier))
        token = exchange(Client(), application, code_from(answer), verifier)
        assert token.status_code == 200, token.content
        return token.json()["access_token"]

    return run


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
