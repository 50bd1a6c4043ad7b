"""A mediator of another issuer (the ``outsider``) reaches every view of ours with real ids
and gets nothing: 404 (other issuers learn nothing), never a page or a change."""

import pytest
from django.urls import reverse

from badges.models import Assertion, IssueBatch
from badges.services import assertion_issue
from pathways.models import Enrolment, Pathway, PathwayStep
from tests.factories import BadgeClassFactory
from tests.security.test_anonymous_access import private_kwargs

pytestmark = pytest.mark.django_db

# Views any signed-in person uses for their own things; checked below by what they show.
OWN_PAGES = {"accounts:after_login", "accounts:emails", "partner:home", "partner:review_queue", "wallet:home",
             "wallet:profile_edit", "wallet:my_data", "wallet:import", "api:assertion_issue",
             # The OB 3.0 API: one's own authorization page, connected applications and the send
             # callback (checked against the session's state); the resources are scoped to the
             # bearer token's user (tests/ob3api/test_provider.py).
             "oauth2_provider:authorize", "wallet:connected_apps", "wallet:platform_callback",
             "ob3api:credentials", "ob3api:profile"}


def test_an_outsider_gets_404_on_every_view_of_our_objects(client, world, issuer, beneficiary, outsider):
    client.force_login(outsider)
    let_in = []
    for name, kwargs in private_kwargs(world, issuer, beneficiary).items():
        if name in OWN_PAGES:
            continue
        url = reverse(name, kwargs=kwargs)
        # The activity reports answer a French 403 page (issue 14), the other views 404.
        refused = (403, 405) if name.startswith("reports:") else (404, 405)
        if name.startswith("api_v1:"):
            # The API takes tokens only, never a session; tests/api_v1 check another issuer's token gets 404.
            refused = (401,)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status not in refused:
                let_in.append((name, method, status))
    assert let_in == []
    world.assertion.refresh_from_db()
    world.batch.refresh_from_db()
    assert not world.assertion.revoked and world.assertion.visibility == Assertion.Visibility.PRIVATE
    assert world.batch.status == IssueBatch.Status.CHECKED
    assert world.imported.__class__.objects.filter(pk=world.imported.pk).exists()


def test_an_outsider_sees_none_of_our_things_on_their_own_pages(client, world, outsider, badge_class):
    client.force_login(outsider)
    pages = "".join(client.get(reverse(name)).content.decode()
                    for name in ("partner:home", "partner:review_queue", "wallet:home"))
    assert badge_class.name not in pages and "Léa" not in pages


def test_an_outsider_cannot_issue_our_badge_through_the_api(client, outsider, badge_class):
    client.force_login(outsider)
    response = client.post(reverse("api:assertion_issue"), {
        "badge_class": str(badge_class.public_id), "recipient_email": "x@example.org", "idempotency_key": "k"})
    assert response.status_code == 404
    assert not Assertion.objects.filter(recipient_email="x@example.org").exists()


def test_a_mediator_cannot_revoke_correct_or_resend_even_in_their_own_issuer(client, world, issuer, mediator):
    client.force_login(mediator)
    kwargs = {"issuer_id": issuer.public_id, "public_id": world.assertion.public_id}
    assert client.post(reverse("partner:assertion_revoke", kwargs=kwargs), {"reason": "x"}).status_code == 404
    assert client.post(reverse("partner:assertion_correct", kwargs=kwargs),
                       {"recipient_email": "new@example.org", "issued_on": "2026-01-01"}).status_code == 404
    assert client.post(reverse("partner:email_resend", kwargs={
        "issuer_id": issuer.public_id, "email_id": world.email.pk})).status_code == 404
    # The activity report shows a mediator only their own activity (tests/reports/test_report_access.py).
    world.assertion.refresh_from_db()
    assert not world.assertion.revoked


def test_a_reviewer_cannot_issue(client, reviewer, badge_class):
    client.force_login(reviewer)
    assert client.get(reverse("partner:issue", kwargs={"public_id": badge_class.public_id})).status_code == 404
    assert client.get(reverse("partner:batch_new", kwargs={"public_id": badge_class.public_id})).status_code == 404


def test_our_objects_cannot_be_reached_through_another_issuers_urls(client, world, other_issuer, other_owner):
    """Ids of our issuer slipped into the other issuer's URLs, where its owner has every right."""
    client.force_login(other_owner)
    theirs = other_issuer.public_id
    assert client.post(reverse("partner:email_resend", kwargs={"issuer_id": theirs, "email_id": world.email.pk})
                       ).status_code == 404
    assert client.get(reverse("partner:assertion_correct", kwargs={
        "issuer_id": theirs, "public_id": world.assertion.public_id})).status_code == 404
    assert client.post(reverse("pathways:step_confirm", kwargs={
        "issuer_id": theirs, "enrolment_id": world.enrolment.pk, "step_id": world.step.pk})).status_code == 404
    # Their own enrolment with our step: the step must belong to the enrolment's pathway.
    their_pathway = Pathway.objects.create(issuer=other_issuer, name="Autre parcours")
    PathwayStep.objects.create(pathway=their_pathway, badge_class=BadgeClassFactory(issuer=other_issuer), order=1)
    their_enrolment = Enrolment.objects.create(pathway=their_pathway, recipient_email="zoe@example.org")
    assert client.post(reverse("pathways:step_confirm", kwargs={
        "issuer_id": theirs, "enrolment_id": their_enrolment.pk, "step_id": world.step.pk})).status_code == 404
    assert not Assertion.objects.filter(recipient_email="zoe@example.org").exists()


def test_issuer_staff_see_only_their_issuers_badges_in_the_staff_list(client, world, owner, issuer, other_issuer,
                                                                       other_owner):
    theirs = assertion_issue(badge_class=BadgeClassFactory(issuer=other_issuer), recipient_email="zoe@example.org",
                             recipient_name="Zoé Theirs", issued_by=other_owner)
    client.force_login(owner)
    page = client.get(reverse("partner:assertions", kwargs={"issuer_id": issuer.public_id})).content.decode()
    assert "Sam" in page and theirs.recipient_name not in page
