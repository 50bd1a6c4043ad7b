import re

import pytest
from django.conf import settings
from django.core import mail

from badges.models import OutgoingEmail
from badges.tasks import send_email
from endorsements import services
from endorsements.models import Endorser


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


def deliver(template: str):
    """Send the queued e-mails with the worker's own function and return the last one."""
    for email in OutgoingEmail.objects.filter(template=template, status=OutgoingEmail.Status.PENDING):
        send_email(email.pk)
    return mail.outbox[-1]


def link_in(message) -> str:
    match = re.search(re.escape(settings.SITE_URL) + r"(/endorsements/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)
