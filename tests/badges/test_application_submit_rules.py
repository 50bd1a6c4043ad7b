"""Sending an application (docs/mutation.md, applications.protect): the reviewers are told a new
application waits, or that one they asked more of is back; the application is dated when sent."""

import pytest
from django.utils import timezone

from badges.models import OutgoingEmail
from badges.services import applications as service

pytestmark = pytest.mark.django_db


def resubmitted_flags_to(email: str) -> list[str]:
    return list(OutgoingEmail.objects.filter(to=email, template="application_submitted").order_by("pk")
                .values_list("context__resubmitted", flat=True))


def test_reviewers_are_told_of_a_new_application_then_of_the_evidence_added(requestable, reviewer):
    application, _resumed = service.application_start(badge_class=requestable, name="Sam Martin",
                                                      email="sam@example.org")
    service.application_save(application=application, answers={q: "Une réponse" for q in requestable.question_list})
    before = timezone.now()
    service.application_submit(application=application)
    application.refresh_from_db()
    assert application.submitted_at is not None and application.submitted_at >= before
    service.application_request_more(application=application, reviewer=reviewer, comment="Une photo")
    service.application_submit(application=application)
    # What the e-mail's subject and text read ("Nouvelle demande…" / "Demande complétée…").
    assert resubmitted_flags_to(reviewer.email) == [False, True]
