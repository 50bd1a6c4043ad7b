"""Every URL the project serves, walked as an anonymous visitor: only the views named
in PUBLIC may answer; any other is a sign-in redirect, a 403 or a 404."""

import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from badges.models import VerificationJob
from tests.security.conftest import url_patterns

pytestmark = pytest.mark.django_db

# Public by design: pages and Open Badges documents reached by an unguessable id,
# sign-in and sign-up, and links whose secret token is the key (claim, application, e-mail).
PUBLIC = {
    "set_language", "healthz", "home", "media", "favicon",
    "issuers:detail", "badges:class_detail", "badges:verify", "badges:claim", "badges:desk_code", "badges:desk_claim",
    "badges:share_open",  # a redirect to the badge's page (which says whether it is private)
    "ob:issuer_v2", "ob:issuer", "ob:issuer_did", "ob:revocations", "ob:status_list", "ob:key", "ob:credential",
    "accounts:login", "accounts:logout", "accounts:signup", "accounts:login_link_request", "accounts:login_link",
    "accounts:verify_email",
    "partner:short_link", "partner:request", "partner:request_poster", "partner:request_qr",
    "partner:application_edit",
    "wallet:profile",
    "pathways:detail",
    "endorsements:endorser_detail", "endorsements:endorser_document", "endorsements:document",
    "endorsements:endorser_profile", "endorsements:endorser_did", "endorsements:key", "endorsements:credential",
    "endorsements:invitation",
    # The OB 3.0 API: its description, client registration, and the OAuth endpoints a client
    # authenticates to itself (token, revocation, RFC 8414 metadata).
    "ob3api:discovery", "ob3api:register", "oauth2_provider:token", "oauth2_provider:revoke-token",
    "oauth_metadata",
    # What wallets call: metadata, and endpoints authorised by an offer's secret (exchange id, code, token).
    "wallets:exchange", "wallets:exchange_protocols", "wallets:oid4vci_metadata", "wallets:oid4vci_as_metadata",
    "wallets:oid4vci_token", "wallets:oid4vci_nonce", "wallets:oid4vci_credential",
    # The API's schema and its documentation describe operations, not data.
    "api_v1:schema", "api_v1:docs",
}


def desk_award_for(badge_class):
    """A badge waiting at a mediator's desk (the same one however often the walk asks)."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from badges.models import DeskAward, desk_code_digest

    return DeskAward.objects.filter(badge_class=badge_class).first() or DeskAward.objects.create(
        badge_class=badge_class, recipient_name="Awa", code_digest=desk_code_digest(secrets.token_hex(8)),
        expires_at=timezone.now() + timedelta(minutes=10))


def private_kwargs(world, issuer, beneficiary) -> dict[str, dict]:
    """Real ids for every non-public view: a missing check would let the visitor in."""
    assertion, issuer_id = world.assertion, issuer.public_id
    award = desk_award_for(assertion.badge_class)
    return {
        "badges:assertion_detail": {"public_id": assertion.public_id},
        # Only the browser that kept it downloads a badge kept at the desk.
        "badges:desk_download": {"token": award.token, "fmt": "png"},
        "partner:desk_new": {"public_id": assertion.badge_class.public_id},
        "partner:desk_award": {"public_id": award.public_id},
        "partner:desk_renew": {"public_id": award.public_id},
        "partner:batch_template": {"public_id": assertion.badge_class.public_id},
        "badges:assertion_download": {"public_id": assertion.public_id, "fmt": "png"},
        "reports:issuer": {"public_id": issuer_id},
        "reports:network": {"public_id": world.network.public_id},
        # A verifier's result: its token is real, but it belongs to another browser's session.
        "badges:verify_result": {"token": VerificationJob.objects.create(text="{}").token},
        "accounts:after_login": {},
        "accounts:emails": {},
        "accounts:email_remove": {"pk": beneficiary.email_addresses.first().pk},
        "accounts:email_resend": {"pk": beneficiary.email_addresses.first().pk},
        "partner:home": {},
        "partner:issue": {"public_id": assertion.badge_class.public_id},
        "partner:issue_preview": {"public_id": assertion.badge_class.public_id},
        "partner:batch_new": {"public_id": assertion.badge_class.public_id},
        "partner:batch_detail": {"public_id": world.batch.public_id},
        "partner:batch_start": {"public_id": world.batch.public_id},
        "partner:batch_progress": {"public_id": world.batch.public_id},
        "partner:batch_rejected": {"public_id": world.batch.public_id},
        "partner:self_issue": {"public_id": assertion.badge_class.public_id},
        "partner:review_queue": {},
        "partner:review": {"public_id": world.application.public_id},
        "partner:assertions": {"issuer_id": issuer_id},
        "partner:assertion_revoke": {"issuer_id": issuer_id, "public_id": assertion.public_id},
        "partner:assertion_correct": {"issuer_id": issuer_id, "public_id": assertion.public_id},
        "partner:applications": {"issuer_id": issuer_id},
        "partner:emails": {"issuer_id": issuer_id},
        "partner:email_resend": {"issuer_id": issuer_id, "email_id": world.email.pk},
        "api:assertion_issue": {},
        "wallet:home": {},
        "wallet:badge": {"public_id": assertion.public_id},
        "wallet:badge_visibility": {"public_id": assertion.public_id},
        "wallet:badge_details": {"public_id": assertion.public_id},
        "wallet:badge_qr": {"public_id": assertion.public_id, "fmt": "png"},
        "wallet:badge_print": {"public_id": assertion.public_id},
        "wallet:add_to_wallet": {"public_id": assertion.public_id},
        "wallet:badge_download": {"public_id": assertion.public_id, "fmt": "json"},
        "wallet:profile_edit": {},
        "wallet:my_data": {},
        "wallet:import": {},
        "wallet:imported": {"public_id": world.imported.public_id},
        "wallet:imported_visibility": {"public_id": world.imported.public_id},
        "wallet:imported_qr": {"public_id": world.imported.public_id, "fmt": "png"},
        "wallet:imported_print": {"public_id": world.imported.public_id},
        "wallet:imported_delete": {"public_id": world.imported.public_id},
        "pathways:steps_due": {"issuer_id": issuer_id},
        "pathways:step_confirm": {"issuer_id": issuer_id, "enrolment_id": world.enrolment.pk,
                                  "step_id": world.step.pk},
        "endorsements:invitations": {"issuer_id": issuer_id},
        "endorsements:invitation_new": {"issuer_id": issuer_id},
        "endorsements:withdraw": {"public_id": world.endorsement.public_id},
        "audit:issuer_log": {"issuer_id": issuer_id},
        "audit:issuer_log_csv": {"issuer_id": issuer_id},
        # The OB 3.0 API: the authorization page asks to sign in; the resources want a bearer token.
        "oauth2_provider:authorize": {},
        "ob3api:credentials": {},
        "ob3api:profile": {},
        "wallet:connected_apps": {},
        "wallet:disconnect_app": {"client_id": "any-client"},
        "wallet:send_to_platform": {"public_id": assertion.public_id},
        "wallet:platform_callback": {},
        **api_kwargs(world, issuer),
    }


def api_kwargs(world, issuer) -> dict[str, dict]:
    """The API v1 (a visitor has no token: 401) and its partner pages, with real objects."""
    from badges.api_v1.models import WebhookDelivery
    from badges.api_v1.tokens import api_token_create
    from badges.api_v1.webhooks import webhook_endpoint_create

    owner = issuer.memberships.get(role="owner").user
    token, _secret = api_token_create(issuer=issuer, created_by=owner, name="CRM", scopes=["read"])
    endpoint, _secret = webhook_endpoint_create(issuer=issuer, created_by=owner, url="https://crm.example.org/h",
                                                events=["assertion.issued"])
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="assertion.issued", payload={},
                                              status=WebhookDelivery.Status.DELIVERED)
    assertion, issuer_id = world.assertion, issuer.public_id
    hook = {"issuer_id": issuer_id, "public_id": endpoint.public_id}
    return {
        "api_v1:badge_class_list": {}, "api_v1:assertion_list": {}, "api_v1:assertion_batch": {},
        "api_v1:application_list": {}, "api_v1:pathway_list": {},
        "api_v1:badge_class_detail": {"public_id": assertion.badge_class.public_id},
        "api_v1:assertion_detail": {"public_id": assertion.public_id},
        "api_v1:assertion_revoke": {"public_id": assertion.public_id},
        "api_v1:job_detail": {"public_id": world.batch.public_id},
        "api_v1:application_accept": {"public_id": world.application.public_id},
        "api_v1:application_refuse": {"public_id": world.application.public_id},
        "api_v1:application_request_more": {"public_id": world.application.public_id},
        "api_v1:pathway_progress": {"public_id": world.pathway.public_id},
        "partner:api_tokens": {"issuer_id": issuer_id},
        "partner:api_token_revoke": {"issuer_id": issuer_id, "public_id": token.public_id},
        "partner:webhooks": {"issuer_id": issuer_id},
        "partner:webhook_detail": hook, "partner:webhook_enable": hook, "partner:webhook_delete": hook,
        "partner:webhook_resend": {**hook, "delivery_id": delivery.public_id},
    }


def refused(response) -> bool:
    if response.status_code in (302, 301):
        return response.url.startswith(settings.LOGIN_URL) or response.url.startswith(reverse("accounts:login"))
    # 401 from the API, 405 for the method a view does not take at all.
    return response.status_code in (401, 403, 404, 405)


def test_every_view_is_either_public_by_design_or_listed_with_real_ids(world, issuer, beneficiary):
    names = {name for name, _pattern in url_patterns()}
    unknown = names - PUBLIC - set(private_kwargs(world, issuer, beneficiary))
    assert not unknown, f"New views: add them to PUBLIC or to private_kwargs: {sorted(unknown)}"


def test_every_non_public_view_refuses_an_anonymous_visitor(world, issuer, beneficiary):
    client = Client()
    let_in = []
    for name, kwargs in private_kwargs(world, issuer, beneficiary).items():
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if not refused(response):
                let_in.append((name, method, response.status_code))
    assert let_in == []
    world.assertion.refresh_from_db()
    assert not world.assertion.revoked and world.assertion.visibility == "private"


def test_a_private_assertion_reached_by_a_guessed_id_is_404(client, world):
    assert client.get(reverse("badges:assertion_detail", kwargs={"public_id": uuid.uuid4()})).status_code == 404
    assert client.get(world.assertion.get_absolute_url()).status_code == 404


def test_the_admin_sends_anonymous_visitors_to_its_sign_in(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url
