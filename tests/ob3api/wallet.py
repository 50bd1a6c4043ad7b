"""Playing someone else's software against our OB 3.0 API over real HTTP: a beneficiary's
browser (requests, cookies, our HTML forms) and an external wallet (authlib's OAuth 2.0 client)."""

import html
import re

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from badges.ob3api.scopes import ALL_SCOPES

PASSWORD = "correct-horse-battery"
WALLET_CALLBACK = "http://127.0.0.1:9/callback"  # never reached: the test reads the redirect


def hidden_fields(page: str, form_id: str | None = None) -> dict:
    if form_id:
        page = page[page.index(f'id="{form_id}"'):]
        page = page[:page.index("</form>")]
    fields = {}
    for tag in re.findall(r"<input[^>]+>", page):
        if 'type="hidden"' in tag or "type='hidden'" in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def log_in(browser: requests.Session, site: str, username: str, password: str = PASSWORD) -> None:
    page = browser.get(site + "/compte/connexion/")
    fields = hidden_fields(page.text)
    answer = browser.post(site + "/compte/connexion/", data={**fields, "username": username, "password": password},
                          allow_redirects=False)
    assert answer.status_code == 302, answer.text[:2000]


def discover(site: str) -> dict:
    answer = requests.get(site + "/ims/ob/v3p0/discovery", headers={"Accept": "application/json"}, timeout=10)
    assert answer.status_code == 200
    scheme = answer.json()["components"]["securitySchemes"]["OAuth2ACG"]
    return {"registration": scheme["x-imssf-registrationUrl"], **scheme["flows"]["authorizationCode"]}


def register(registration_url: str, *, name: str = "Portefeuille Externe", scope: str = " ".join(ALL_SCOPES),
             redirect_uri: str = WALLET_CALLBACK) -> dict:
    answer = requests.post(registration_url, timeout=10, json={
        "client_name": name, "client_uri": "https://wallet.example", "logo_uri": "https://wallet.example/logo.png",
        "tos_uri": "https://wallet.example/tos", "policy_uri": "https://wallet.example/privacy",
        "software_id": "external-wallet", "software_version": "1.0", "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "client_secret_basic", "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"], "scope": scope,
    })
    assert answer.status_code == 201, answer.text
    return answer.json()


def wallet_session(flows: dict, registered: dict, *, scope: str | None = None) -> OAuth2Session:
    return OAuth2Session(registered["client_id"], registered["client_secret"], scope=scope or registered["scope"],
                         redirect_uri=registered["redirect_uris"][0], code_challenge_method="S256",
                         token_endpoint_auth_method="client_secret_basic")


def authorize(browser: requests.Session, url: str, *, allow: bool = True) -> requests.Response:
    """The beneficiary reads the authorization page and answers; returns our redirect."""
    page = browser.get(url)
    assert page.status_code == 200, page.text[:2000]
    data = hidden_fields(page.text, "authorizationForm")
    if allow:
        data["allow"] = "Authorize"
    answer = browser.post(page.url, data=data, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:2000]
    answer.page = page  # what the person read
    return answer


def connect(browser, flows, registered, *, scope: str | None = None):
    """Authorization code with PKCE S256 through the beneficiary's browser; returns (session, token)."""
    wallet = wallet_session(flows, registered, scope=scope)
    verifier = generate_token(64)
    url, _state = wallet.create_authorization_url(flows["authorizationUrl"], code_verifier=verifier)
    answer = authorize(browser, url)
    token = wallet.fetch_token(flows["tokenUrl"], authorization_response=answer.headers["Location"],
                               code_verifier=verifier)
    return wallet, token
