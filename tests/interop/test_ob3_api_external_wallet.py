"""An external wallet plays the 1EdTech Open Badges 3.0 API against a live server, with
authlib's OAuth 2.0 client (not ours): discovery → dynamic registration → authorization with
PKCE S256 (the beneficiary signs in and approves over HTTP) → token → getCredentials paged →
what it got verified by Digital Bazaar's stack and the jose library → a badge signed by
another issuer upserted → refresh → revoke, after which calls are refused."""

import json
import re

import pytest
import requests

from badges import documents
from badges.issuing import assertion_finalise
from badges.models import ImportedBadge
from badges.services import assertion_issue
from tests.ob3api.wallet import connect, discover, log_in, register

from .conftest import RECIPIENT

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True)]


def _links(response) -> dict:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", ""))}


def _foreign_badge(finalised, node_script, tmp_path) -> dict:
    """A badge for the same person signed by another issuer (a did:key, Digital Bazaar's stack)."""
    credential = documents.ob3_unsigned_credential(finalised)
    credential.pop("credentialStatus", None)
    credential["id"] = "urn:uuid:8a7d2c1e-5b0f-4e57-9f0e-2f3c5d8e9a10"
    credential["credentialSubject"]["achievement"]["name"] = "Je sais réparer un vélo"
    path = tmp_path / "foreign-unsigned.json"
    path.write_text(json.dumps(credential, ensure_ascii=False))
    run = node_script("sign.mjs", path)
    assert run.accepted, run.output
    return run.report


def test_an_external_wallet_connects_reads_verifies_upserts_refreshes_and_is_revoked(
        site, finalised, badge_class, owner, beneficiary, node_script, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the live server is plain http on 127.0.0.1
    second = assertion_finalise(assertion=assertion_issue(
        badge_class=badge_class, recipient_email=RECIPIENT, recipient_name="Sam", issued_by=owner,
        narrative="Deuxième atelier.", idempotency_key="second"))
    foreign = _foreign_badge(finalised, node_script, tmp_path)

    flows = discover(site)
    registered = register(flows["registration"])
    browser = requests.Session()
    log_in(browser, site, beneficiary.username)
    wallet, token = connect(browser, flows, registered)
    assert token["refresh_token"] and token["token_type"].lower() == "bearer"

    # getCredentials, one badge per page: the headers say how many and where the pages are.
    credentials_url = site + "/ims/ob/v3p0/credentials"
    first = wallet.get(credentials_url, params={"limit": 1})
    assert first.status_code == 200, first.text
    assert first.headers["X-Total-Count"] == "2"
    links = _links(first)
    assert {"next", "last", "first"} <= set(links) and "prev" not in links
    second_page = wallet.get(links["next"])
    assert second_page.headers["X-Total-Count"] == "2"
    assert "prev" in _links(second_page) and "next" not in _links(second_page)
    got = first.json()["credential"] + second_page.json()["credential"]
    assert {c["id"] for c in got} == {finalised.ob3_credential["id"], second.ob3_credential["id"]}
    jws = first.json()["compactJwsString"] + second_page.json()["compactJwsString"]
    assert sorted(jws) == sorted([finalised.ob3_jwt, second.ob3_jwt])

    # What the wallet received verifies with verifiers we did not write.
    for number, credential in enumerate(got):
        path = tmp_path / f"received-{number}.json"
        path.write_text(json.dumps(credential, ensure_ascii=False))
        assert node_script("verify.mjs", path).accepted
    path = tmp_path / "received.jwt"
    path.write_text(jws[0])
    assert node_script("verify-jwt.mjs", path).accepted

    # upsertCredential: a foreign badge of the same person is verified and kept, answered as sent.
    created = wallet.post(credentials_url, data=json.dumps(foreign), headers={"Content-Type": "application/json"})
    assert created.status_code == 201, created.text
    assert created.json() == foreign
    again = wallet.post(credentials_url, data=json.dumps(foreign), headers={"Content-Type": "application/json"})
    assert again.status_code == 200
    assert ImportedBadge.objects.get(user=beneficiary).badge_name == "Je sais réparer un vélo"
    assert "Je sais réparer un vélo" in browser.get(site + "/passeport/").text
    assert wallet.get(credentials_url).headers["X-Total-Count"] == "3"

    # Refresh: a new access token works, the old one no longer does.
    old_access = token["access_token"]
    refreshed = wallet.refresh_token(flows["refreshUrl"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != old_access
    assert wallet.get(credentials_url).status_code == 200
    stale = requests.get(credentials_url, headers={"Authorization": f"Bearer {old_access}"}, timeout=10)
    assert stale.status_code == 401
    assert stale.json()["imsx_codeMajor"] == "failure"

    # Revoke (RFC 7009, found in the RFC 8414 metadata): every later call is refused.
    metadata = requests.get(site + "/.well-known/oauth-authorization-server", timeout=10).json()
    revoked = wallet.revoke_token(metadata["revocation_endpoint"], token=refreshed["refresh_token"],
                                  token_type_hint="refresh_token")
    assert revoked.status_code == 200
    after = wallet.get(credentials_url)
    assert after.status_code == 401
    assert after.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "unauthorizedrequest"
