import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import Application, Evidence

pytestmark = pytest.mark.django_db

QUEUE = "/partenaire/evaluations/"


def submitted(badge_class, *, name, email, evidence=0):
    application = Application.objects.create(
        badge_class=badge_class, applicant_name=name, applicant_email=email,
        status=Application.Status.SUBMITTED, submitted_at=timezone.now(),
    )
    for n in range(evidence):
        Evidence.objects.create(application=application, narrative=f"Ce que j'ai fait n°{n}")
    return application


@pytest.fixture
def two_homonyms(requestable):
    return (submitted(requestable, name="Sam Martin", email="sam.martin@example.org", evidence=2),
            submitted(requestable, name="Sam Martin", email="sam.martin.vesoul@example.org"))


def card_of(page: str, email: str) -> str:
    return page.split(email, 1)[0].rsplit("<li", 1)[1] + email + page.split(email, 1)[1].split("</li>", 1)[0]


def test_the_queue_tells_two_applicants_with_the_same_name_apart(client, reviewer, two_homonyms):
    assert reverse("partner:review_queue") == QUEUE
    client.force_login(reviewer)
    page = client.get(QUEUE).content.decode()
    first = card_of(page, "sam.martin@example.org")
    second = card_of(page, "sam.martin.vesoul@example.org")
    assert "2 preuves" in first and "demande envoyée le" in first
    assert "0 preuve" in second and "0 preuves" not in second


def test_the_queue_filters_by_name_or_e_mail(client, reviewer, two_homonyms):
    client.force_login(reviewer)
    page = client.get(QUEUE, {"q": "vesoul"}).content.decode()
    assert "sam.martin.vesoul@example.org" in page
    assert "sam.martin@example.org" not in page
    assert 'value="vesoul"' in page  # what was typed stays in the box


def requestable_of(reviewer):
    from badges.models import BadgeClass

    return BadgeClass.objects.get(issuer__memberships__user=reviewer, requestable=True)


def test_the_queue_shows_nothing_of_another_issuer(client, reviewer, requestable, other_issuer):
    from tests.factories import BadgeClassFactory

    elsewhere = BadgeClassFactory(issuer=other_issuer, requestable=True)
    submitted(elsewhere, name="Alex Autre", email="alex@example.org")
    submitted(requestable_of(reviewer), name="Alex Ici", email="alex.ici@example.org")
    client.force_login(reviewer)
    page = client.get(QUEUE, {"q": "alex"}).content.decode()
    assert "alex.ici@example.org" in page
    assert "alex@example.org" not in page


def test_the_staff_lists_stack_on_a_phone_with_every_column_named(client, owner, requestable, issuer):
    submitted(requestable, name="Sam Martin", email="sam.martin@example.org")
    client.force_login(owner)
    page = client.get(reverse("partner:applications", kwargs={"issuer_id": issuer.public_id})).content.decode()
    assert 'class="report stack"' in page
    assert 'data-label="Demandeur"' in page and "sam.martin@example.org" in page
    assert 'role="region" tabindex="0"' in page  # the scrollable wrapper is reachable by keyboard


def test_a_draft_is_neither_in_the_queue_nor_open_to_review_until_it_is_sent(client, reviewer, requestable):
    draft = Application.objects.create(badge_class=requestable, applicant_name="Léa Brouillon",
                                       applicant_email="lea.brouillon@example.org")
    assert draft.status == Application.Status.DRAFT
    client.force_login(reviewer)
    assert "lea.brouillon@example.org" not in client.get(QUEUE).content.decode()
    review_url = reverse("partner:review", kwargs={"public_id": draft.public_id})
    assert client.get(review_url).status_code == 404
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.SUBMITTED, submitted_at=timezone.now())
    assert "lea.brouillon@example.org" in client.get(QUEUE).content.decode()
    assert client.get(review_url).status_code == 200
