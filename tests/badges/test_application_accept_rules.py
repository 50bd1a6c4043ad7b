"""An accepted application becomes a badge that carries what the applicant gave: their name and
their answers, one after the other (docs/mutation.md, applications.protect). At the service and
through the reviewer's page."""

import pytest
from django.urls import reverse

from badges.models import OutgoingEmail
from badges.services import applications as service

pytestmark = pytest.mark.django_db

QUESTIONS = "Quel mail avez-vous envoyé ?\nÀ qui ?"
ANSWERS = {"Quel mail avez-vous envoyé ?": "Une candidature", "À qui ?": "La mairie"}
NARRATIVE = "Quel mail avez-vous envoyé ?\nUne candidature\n\nÀ qui ?\nLa mairie"


@pytest.fixture
def sent(requestable):
    requestable.application_questions = QUESTIONS
    requestable.save()
    application, _resumed = service.application_start(badge_class=requestable, name="Sam Martin",
                                                      email="sam@example.org")
    service.application_save(application=application, answers=ANSWERS)
    return service.application_submit(application=application)


def test_the_badge_carries_the_applicants_name_and_answers_and_no_comment_unless_given(sent, reviewer):
    service.application_accept(application=sent, reviewer=reviewer)
    sent.refresh_from_db()
    assert (sent.assertion.recipient_name, sent.assertion.narrative) == ("Sam Martin", NARRATIVE)
    assert sent.decision_comment == ""
    # The decision's e-mail carries the claim link: no award e-mail besides (the other one is the
    # application's own link, sent when it was started).
    assert sorted(OutgoingEmail.objects.filter(to="sam@example.org").values_list("template", flat=True)) == [
        "application_decision", "application_link"]


def test_the_reviewer_s_page_issues_the_badge_with_the_applicants_name_and_answers(client, sent, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("partner:review", kwargs={"public_id": sent.public_id}),
                           {"decision": "accept", "comment": ""})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.assertion.recipient_name, sent.assertion.narrative) == ("Sam Martin", NARRATIVE)


def test_the_reviewer_reads_the_answers_in_the_order_of_the_questions(client, sent, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("partner:review", kwargs={"public_id": sent.public_id})).content.decode()
    assert page.index("Une candidature") < page.index("La mairie")
