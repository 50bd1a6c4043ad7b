import pytest

from badges.services import assertion_issue
from pathways.models import Pathway, PathwayStep
from tests.factories import BadgeClassFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(issuer):
    # A key badge created as any new badge is: "délivré par un médiateur".
    key = BadgeClassFactory(issuer=issuer, name="Je sais gérer mes mails")
    pathway = Pathway.objects.create(issuer=issuer, name="Communication numérique", key_badge=key)
    for order, name in enumerate(["Je sais naviguer sur Internet", "Je sais envoyer et recevoir des mails"], 1):
        step_badge = BadgeClassFactory(issuer=issuer, name=name)
        PathwayStep.objects.create(pathway=pathway, order=order, badge_class=step_badge)
    return pathway


@pytest.fixture
def network_admin(db):
    return UserFactory(username="reseau", is_staff=True, is_superuser=True)


def admin_change_url(pathway) -> str:
    return f"/admin/pathways/pathway/{pathway.pk}/change/"


def post_pathway(client, pathway, **changes):
    steps = list(pathway.steps.order_by("order"))
    data = {
        "issuer": pathway.issuer_id, "name": pathway.name, "description": "", "key_badge": pathway.key_badge_id,
        "completion_rule": "all", "min_steps": "", "position": 0,
        "steps-TOTAL_FORMS": len(steps), "steps-INITIAL_FORMS": len(steps),
        "steps-MIN_NUM_FORMS": 0, "steps-MAX_NUM_FORMS": 1000,
    }
    for index, step in enumerate(steps):
        data.update({f"steps-{index}-id": step.pk, f"steps-{index}-pathway": pathway.pk,
                     f"steps-{index}-order": step.order, f"steps-{index}-badge_class": step.badge_class_id,
                     f"steps-{index}-min_delay_days": 0, f"steps-{index}-condition": ""})
    data.update(changes)
    return client.post(admin_change_url(pathway), data, follow=True)


def test_saving_a_pathway_makes_its_key_badge_automatic_and_says_so(client, network_admin, pathway):
    client.force_login(network_admin)
    response = post_pathway(client, pathway)
    assert response.status_code == 200
    assert "est désormais délivré automatiquement" in response.content.decode()
    key = pathway.key_badge
    key.refresh_from_db()
    assert key.automatic and not key.issuable_by_mediator and not key.requestable and not key.self_issuable


def test_a_key_badge_cannot_also_be_a_step(client, network_admin, pathway):
    client.force_login(network_admin)
    step_badge = pathway.steps.first().badge_class
    response = post_pathway(client, pathway, key_badge=step_badge.pk)
    assert "il ne peut pas être lui-même une étape du parcours" in response.content.decode()
    pathway.refresh_from_db()
    assert pathway.key_badge.name == "Je sais gérer mes mails"


def test_the_admin_page_shows_the_steps_as_a_picture(client, network_admin, pathway):
    client.force_login(network_admin)
    page = client.get(admin_change_url(pathway)).content.decode()
    picture = page.split('class="path-map"', 1)[1].split("</ol>", 1)[0]
    assert "Je sais naviguer sur Internet" in picture
    assert "Badge-clé :" in picture and "Je sais gérer mes mails" in picture


def test_the_public_pathway_page_shows_a_signed_in_person_their_progress(client, pathway, owner, beneficiary):
    first = pathway.steps.get(order=1).badge_class
    assertion_issue(badge_class=first, recipient_email=beneficiary.email, recipient_name="Sam", issued_by=owner)
    client.force_login(beneficiary)
    page = client.get(pathway.get_absolute_url()).content.decode()
    assert "Où j'en suis : 1 étape(s) sur 2" in page
    held = page.split('class="step step-held', 1)[1].split("</li>", 1)[0]
    assert "Je sais naviguer sur Internet" in held and "obtenu" in held


def test_a_visitor_sees_the_steps_without_anyone_s_progress(client, pathway, owner, beneficiary):
    first = pathway.steps.get(order=1).badge_class
    assertion_issue(badge_class=first, recipient_email=beneficiary.email, recipient_name="Sam", issued_by=owner)
    page = client.get(pathway.get_absolute_url()).content.decode()
    assert "Les étapes" in page and "Où j'en suis" not in page
    assert "step-held" not in page
