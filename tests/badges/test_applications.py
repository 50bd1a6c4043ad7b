import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from badges.models import Application, Assertion, Evidence, OutgoingEmail
from badges.tasks import send_email
from badges.views.applications import short_code
from tests.factories import UserFactory
from tests.helpers import application_edit_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def requestable(requestable):
    requestable.application_questions += "\nÀ qui ?"  # a second question, left unanswered below
    requestable.save()
    return requestable



def request_url(badge_class) -> str:
    return reverse("partner:request", kwargs={"public_id": badge_class.public_id})



def deliver(template: str):
    for email in OutgoingEmail.objects.filter(template=template, status=OutgoingEmail.Status.PENDING):
        send_email(email.pk)
    return mail.outbox[-1]


def start_anonymously(client, badge_class):
    return client.post(request_url(badge_class), {"name": "Sam Martin", "email": "Sam@Example.org"})


def test_the_request_page_shows_the_questions_and_the_staff_their_short_link(client, requestable, mediator):
    page = client.get(request_url(requestable)).content.decode()
    assert "Quel mail avez-vous envoyé ?" in page
    code = short_code(requestable)
    # An applicant has no use for the staff's tools.
    assert f"/partenaire/d/{code}/" not in page and "Affiche avec QR code" not in page
    client.force_login(mediator)
    page = client.get(request_url(requestable)).content.decode()
    assert f"/partenaire/d/{code}/" in page and "Affiche avec QR code" in page
    assert client.get(f"/partenaire/d/{code}/").url == request_url(requestable)


def test_a_badge_that_is_not_requestable_has_no_request_page(client, badge_class):
    assert client.get(request_url(badge_class)).status_code == 404
    assert client.get(f"/partenaire/d/{short_code(badge_class)}/").status_code == 404


def test_the_qr_code_comes_as_png_and_svg_on_a_printable_poster(client, requestable):
    png = client.get(reverse("partner:request_qr", kwargs={"public_id": requestable.public_id, "fmt": "png"}))
    svg = client.get(reverse("partner:request_qr", kwargs={"public_id": requestable.public_id, "fmt": "svg"}))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    poster = client.get(reverse("partner:request_poster", kwargs={"public_id": requestable.public_id}))
    assert "Scannez pour demander ce badge" in poster.content.decode()


def test_an_applicant_without_account_gets_a_magic_link_and_resumes_the_draft(client, requestable):
    response = start_anonymously(client, requestable)
    application = Application.objects.get()
    assert response.url == application_edit_url(application)
    message = deliver("application_link")
    assert message.to == ["sam@example.org"] and application_edit_url(application) in message.body
    client.post(application_edit_url(application), {"question_0": "Un mail à ma conseillère", "question_1": "",
                                        "evidence_text": "Capture de l'envoi", "draft": "1"})
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.answers["Quel mail avez-vous envoyé ?"] == "Un mail à ma conseillère"
    # Later, from another device: the link brings the draft back.
    page = client.__class__().get(application_edit_url(application)).content.decode()
    assert "Un mail à ma conseillère" in page and "Capture de l&#x27;envoi" in page


def test_starting_again_with_the_same_email_sends_the_link_instead_of_showing_the_draft(client, requestable):
    start_anonymously(client, requestable)
    response = start_anonymously(client.__class__(), requestable)
    assert "Vous avez déjà une demande en cours" in response.content.decode()
    assert Application.objects.count() == 1
    assert OutgoingEmail.objects.filter(template="application_link").count() == 2


def test_an_incomplete_application_cannot_be_submitted_but_is_kept(client, requestable):
    start_anonymously(client, requestable)
    application = Application.objects.get()
    response = client.post(application_edit_url(application), {"question_0": "Un mail", "submit": "1"}, follow=True)
    assert "Répondez à toutes les questions" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT and application.answers["Quel mail avez-vous envoyé ?"]


def test_a_refused_file_keeps_the_answers(client, requestable):
    start_anonymously(client, requestable)
    application = Application.objects.get()
    response = client.post(application_edit_url(application), {"question_0": "Un mail", "draft": "1",
                                                   "evidence_file": SimpleUploadedFile("x.png", b"nope")})
    assert "Type de fichier non accepté" in response.content.decode()
    application.refresh_from_db()
    assert application.answers["Quel mail avez-vous envoyé ?"] == "Un mail"


def submit(client, application):
    client.post(application_edit_url(application), {"question_0": "Un mail", "question_1": "Ma conseillère",
                                        "evidence_url": "https://example.org/capture", "submit": "1"})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_reviewer_accepts_and_the_badge_is_issued_with_the_evidence(client, requestable, reviewer):
    start_anonymously(client, requestable)
    application = Application.objects.get()
    submit(client, application)
    client.force_login(reviewer)
    queue = client.get(reverse("partner:review_queue")).content.decode()
    assert "Sam Martin" in queue
    review_url = reverse("partner:review", kwargs={"public_id": application.public_id})
    assert "https://example.org/capture" in client.get(review_url).content.decode()
    client.post(review_url, {"decision": "accept", "comment": "Bravo"})
    application.refresh_from_db()
    assertion = application.assertion
    assert application.status == Application.Status.ACCEPTED and assertion.issued_via == Assertion.Via.APPLICATION
    assert assertion.recipient_email == "sam@example.org" and assertion.issued_by == reviewer
    assert Evidence.objects.get(assertion=assertion).url == "https://example.org/capture"
    message = deliver("application_decision")
    assert message.subject == "Demande acceptée : vous avez obtenu le badge « Je sais utiliser un ordinateur »"
    assert assertion.claim_token in message.body and "Bravo" in message.body


def test_a_reviewer_asks_for_more_evidence_and_the_applicant_completes_the_same_application(client, requestable,
                                                                                            reviewer):
    start_anonymously(client, requestable)
    application = Application.objects.get()
    submit(client, application)
    reviewer_client = client.__class__()
    reviewer_client.force_login(reviewer)
    review_url = reverse("partner:review", kwargs={"public_id": application.public_id})
    response = reviewer_client.post(review_url, {"decision": "more", "comment": ""})
    assert "Indiquez quelles preuves ajouter." in response.content.decode()
    reviewer_client.post(review_url, {"decision": "more", "comment": "Ajoutez une capture d'écran"})
    application.refresh_from_db()
    assert application.status == Application.Status.MORE_EVIDENCE
    assert "Ajoutez une capture" in deliver("application_decision").body
    assert "Ajoutez une capture" in client.get(application_edit_url(application)).content.decode()
    submit(client, application)
    assert Application.objects.count() == 1


def test_a_refusal_needs_a_comment_and_tells_the_applicant(client, requestable, owner):
    start_anonymously(client, requestable)
    application = Application.objects.get()
    submit(client, application)
    client.force_login(owner)
    client.post(reverse("partner:review", kwargs={"public_id": application.public_id}),
                {"decision": "refuse", "comment": "La preuve ne montre pas l'envoi."})
    application.refresh_from_db()
    assert application.status == Application.Status.REFUSED and not Assertion.objects.exists()
    assert "La preuve ne montre pas l'envoi." in deliver("application_decision").body


def test_a_peer_named_as_reviewer_of_the_badge_can_review_it(client, requestable):
    peer = UserFactory(username="peer")
    requestable.reviewers.add(peer)
    start_anonymously(client, requestable)
    application = Application.objects.get()
    submit(client, application)
    client.force_login(peer)
    review_url = reverse("partner:review", kwargs={"public_id": application.public_id})
    page = client.get(review_url).content.decode()
    assert "Sam Martin" in page and "https://example.org/capture" in page
    client.post(review_url, {"decision": "accept", "comment": "Bravo"})
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED and application.reviewer == peer
    assert Assertion.objects.get().recipient_email == "sam@example.org"


def test_a_mediator_of_another_issuer_cannot_see_or_decide(client, requestable, outsider, mediator):
    start_anonymously(client, requestable)
    application = Application.objects.get()
    submit(client, application)
    for person in (outsider, mediator):
        client.force_login(person)
        assert "Sam Martin" not in client.get(reverse("partner:review_queue")).content.decode()
        url = reverse("partner:review", kwargs={"public_id": application.public_id})
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "accept"}).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_signed_in_applicant_uses_their_account_email(client, requestable, beneficiary):
    client.force_login(beneficiary)
    client.post(request_url(requestable))
    assert Application.objects.get().applicant_email == "sam@example.org"
    assert Application.objects.get().applicant == beneficiary


def test_a_self_issuable_badge_is_issued_at_once_as_self_declared(client, badge_class, beneficiary):
    badge_class.self_issuable = True
    badge_class.save()
    client.force_login(beneficiary)
    response = client.post(reverse("partner:self_issue", kwargs={"public_id": badge_class.public_id}),
                           {"narrative": "J'aime aider", "evidence_url": ""})
    assertion = Assertion.objects.get()
    assert assertion.issued_via == Assertion.Via.SELF and assertion.recipient_user == beneficiary
    assert response.url == assertion.get_absolute_url()
    client.post(reverse("partner:self_issue", kwargs={"public_id": badge_class.public_id}), {})
    assert Assertion.objects.count() == 1, "asking twice does not issue twice"


def test_a_badge_that_is_not_self_issuable_cannot_be_self_declared(client, requestable, beneficiary):
    client.force_login(beneficiary)
    response = client.post(reverse("partner:self_issue", kwargs={"public_id": requestable.public_id}), {})
    assert response.status_code == 404 and not Assertion.objects.exists()
