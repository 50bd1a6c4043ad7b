import re

import pytest
from django.conf import settings
from django.core import mail

from badges.issuing import assertion_finalise
from badges.models import OutgoingEmail
from badges.services import assertion_issue
from badges.tasks import send_email
from endorsements import services
from endorsements.models import Endorsement, Endorser

STATEMENT = "Nous apprécions ce badge."


@pytest.fixture
def invitation(badge_class, owner):
    return services.endorsement_invite(invited_by=owner, organisation_name="Région Bourgogne-Franche-Comté",
                                       email="contact@region.example", badge_class=badge_class,
                                       message="Votre avis compte pour nous.")


@pytest.fixture
def endorser(endorser_user):
    endorser = Endorser.objects.create(name="Région Bourgogne-Franche-Comté", email="contact@region.example")
    endorser.members.add(endorser_user)
    return endorser


@pytest.fixture
def endorsement(invitation, endorser_user, endorser) -> Endorsement:
    """The invitation accepted: an endorsement of ``badge_class``, published and signed."""
    return services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                       statement=STATEMENT)


@pytest.fixture
def issue(badge_class, owner):
    """Issue ``badge_class`` to Sam and sign it now: a badge signed at this moment."""
    def issue():
        assertion = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org",
                                    recipient_name="Sam", issued_by=owner)
        return assertion_finalise(assertion=assertion)
    return issue


def endorsements_of(credential: dict) -> list:
    """The endorsements embedded in an OB 3.0 badge's achievement."""
    return credential["credentialSubject"]["achievement"].get("endorsement", [])


def deliver(template: str):
    """Send the queued e-mails with the worker's own function and return the last one."""
    for email in OutgoingEmail.objects.filter(template=template, status=OutgoingEmail.Status.PENDING):
        send_email(email.pk)
    return mail.outbox[-1]


def link_in(message) -> str:
    match = re.search(re.escape(settings.SITE_URL) + r"(/endorsements/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)
