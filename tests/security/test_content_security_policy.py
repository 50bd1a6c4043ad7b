"""Content-Security-Policy: every response says scripts and styles come from our own
files only, and no page of ours carries an inline script or an on* handler (they would
stop working under that policy, and injected markup could not be told from ours)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from badges.models import Assertion
from badges.services import wallet as wallet_services
from tests.factories import UserFactory
from tests.security.conftest import url_patterns
from tests.security.test_anonymous_access import desk_award_for, private_kwargs

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# A <script> element with no src, unless it only carries data (json_script).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json[\"'])[^>]*>",
                           re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']} ({response.status_code})"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response) -> None:
    directives = policy(response)
    where = f"{response.request['PATH_INFO']} ({response.status_code})"
    if response.request["PATH_INFO"].startswith(settings.MEDIA_URL) and response.status_code == 200:
        # Stored files (people's uploads among them) get the stricter policy of user content.
        assert directives == {"sandbox": [], "default-src": ["'none'"]}, where
        return
    assert directives.get("script-src") == ["'self'"], where
    assert directives.get("style-src") == ["'self'"], where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"] and directives.get("base-uri") == ["'none'"], where
    assert directives.get("form-action") == ["'self'"], where
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], where


def inline_code(html: str) -> list[str]:
    return INLINE_SCRIPT.findall(html) + HANDLER.findall(html)


def public_kwargs(world, issuer, beneficiary) -> dict[str, dict]:
    assertion, badge_class = world.assertion, world.assertion.badge_class
    key = issuer.signing_keys.first()
    return {
        "set_language": {}, "healthz": {}, "home": {},
        "issuers:detail": {"public_id": issuer.public_id},
        "badges:class_detail": {"public_id": badge_class.public_id},
        "badges:verify": {},
        "badges:claim": {"token": assertion.claim_token},
        "badges:desk_code": {},
        "badges:desk_claim": {"token": desk_award_for(badge_class).token},
        "badges:share_open": {"public_id": assertion.public_id, "source": "qr"},
        "ob:issuer_v2": {"public_id": issuer.public_id},
        "ob:issuer": {"public_id": issuer.public_id},
        "ob:revocations": {"public_id": issuer.public_id},
        "ob:status_list": {"public_id": issuer.public_id, "number": 1},
        "ob:key": {"public_id": key.public_id},
        "ob:credential": {"public_id": assertion.public_id},
        "accounts:login": {}, "accounts:logout": {}, "accounts:signup": {}, "accounts:login_link_request": {},
        "accounts:login_link": {"token": "not-a-token"},
        "accounts:verify_email": {"token": "not-a-token"},
        "partner:short_link": {"code": "nothing"},
        "partner:request": {"public_id": badge_class.public_id},
        "partner:request_poster": {"public_id": badge_class.public_id},
        "partner:request_qr": {"public_id": str(badge_class.public_id), "fmt": "svg"},
        "partner:application_edit": {"token": world.application.access_token},
        "wallet:profile": {"slug": "nobody"},
        "pathways:detail": {"public_id": world.pathway.public_id},
        "endorsements:endorser_detail": {"public_id": world.endorser.public_id},
        "endorsements:endorser_document": {"public_id": world.endorser.public_id},
        "endorsements:document": {"public_id": world.endorsement.public_id},
        "endorsements:endorser_profile": {"public_id": world.endorser.public_id},
        "endorsements:key": {"public_id": world.endorser.public_id},
        "endorsements:credential": {"public_id": world.endorsement.public_id},
        "endorsements:invitation": {"token": "not-a-token"},
        "media": {"path": badge_class.image.name},
        "favicon": {},
        "ob:issuer_did": {"public_id": issuer.public_id},
        "endorsements:endorser_did": {"public_id": world.endorser.public_id},
        "ob3api:discovery": {}, "ob3api:register": {}, "oauth2_provider:token": {},
        "oauth2_provider:revoke-token": {}, "oauth_metadata": {},
        "wallets:exchange": {"exchange_id": "not-a-token"},
        "wallets:exchange_protocols": {"exchange_id": "not-a-token"},
        "wallets:oid4vci_metadata": {}, "wallets:oid4vci_as_metadata": {}, "wallets:oid4vci_token": {},
        "wallets:oid4vci_nonce": {}, "wallets:oid4vci_credential": {},
        "api_v1:schema": {}, "api_v1:docs": {},
    }


@pytest.fixture
def walk(world, issuer, owner, beneficiary):
    """GET every URL the project serves with real ids, as a visitor, the issuer's owner and
    the beneficiary; returns every response."""
    world.assertion.badge_class.refresh_from_db()
    wallet_services.assertion_set_visibility(assertion=world.assertion, user=beneficiary,
                                             public=True)
    urls = {**public_kwargs(world, issuer, beneficiary), **private_kwargs(world, issuer, beneficiary)}
    missing = {name for name, _pattern in url_patterns()} - set(urls)
    assert not missing, f"Add these views to the walk: {sorted(missing)}"
    clients = [Client()]
    for user in (owner, beneficiary):
        client = Client()
        client.force_login(user)
        clients.append(client)
    responses = []
    for name, kwargs in urls.items():
        url = reverse(name, kwargs=kwargs)
        for client in clients:
            responses.append(client.get(url, follow=False))
    return responses


def test_every_url_answers_with_a_strict_policy_and_no_page_carries_inline_code(walk):
    assert len(walk) > 200
    offenders = []
    for response in walk:
        assert_strict(response)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            html = response.content.decode()
            found = inline_code(html) + STYLE.findall(html)
            if found:
                offenders.append((response.request["PATH_INFO"], found[:3]))
    assert offenders == []
    assert sum(1 for r in walk if r.status_code == 200 and "text/html" in r.get("Content-Type", "")) > 40


def test_no_template_has_an_inline_script_or_handler():
    """Templates the walk may not reach (error branches, e-mails) are read as files."""
    offenders = {}
    for path in TEMPLATES_DIR.rglob("*.html"):
        text = path.read_text()
        found = inline_code(text)
        if path.parent.name != "emails":  # e-mail clients need inline styles; e-mails are not pages
            found += STYLE.findall(text)
        if found:
            offenders[str(path.relative_to(TEMPLATES_DIR))] = found
    assert offenders == {}
    assert len(list(TEMPLATES_DIR.rglob("*.html"))) > 50  # the templates were found


def test_the_checks_find_what_they_look_for():
    assert inline_code('<script>alert(1)</script><a href="#" onclick="x()">') == ["<script>", " onclick="]
    assert inline_code('<script src="/static/js/site.js" defer></script>') == []
    assert inline_code('<script id="data" type="application/json">{}</script>') == []
    assert inline_code('<meta name="viewport" content="width=device-width">') == []
    assert STYLE.findall('<p style="color:red">') and STYLE.findall("<style>p{}</style>")


def test_the_admin_pages_keep_the_strict_policy_and_carry_no_inline_script(world, issuer):
    network_admin = UserFactory(username="network-admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(network_admin)
    objects = {Assertion: world.assertion, type(issuer): issuer, type(world.endorsement): world.endorsement,
               type(world.pathway): world.pathway}
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        instance = objects.get(model) or model.objects.first()
        if instance is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk]))
    urls.append(reverse("admin:autocomplete") + "?app_label=badges&model_name=assertion&field_name=badge_class&term=J")
    offenders = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        assert_strict(response)
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            found = inline_code(response.content.decode())
            if found:
                offenders.append((url, found))
    assert offenders == []
    assert len(urls) > 2 * len(admin.site._registry)


def test_a_policy_a_view_set_itself_is_kept():
    """Files people uploaded are served with ``sandbox; default-src 'none'``: never loosened."""
    from csp.middleware import CSPMiddleware

    request = RequestFactory().get("/media/evidence/x.svg")
    middleware = CSPMiddleware(lambda request: response)
    response = HttpResponse(b"<svg/>", content_type="image/svg+xml")
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    middleware.process_request(request)
    assert middleware.process_response(request, response)["Content-Security-Policy"] == "sandbox; default-src 'none'"
    plain = middleware.process_response(request, HttpResponse(b"<p>"))
    assert "script-src 'self'" in plain["Content-Security-Policy"]
