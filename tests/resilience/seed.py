"""Run in a subprocess against a database of its own (``python -m tests.resilience.seed``):
the issuer, a mediator with a signed-in session and a badge; prints them as JSON."""

import json

import django

django.setup()

from django.test import Client  # noqa: E402

from issuers.models import Membership  # noqa: E402
from issuers.services import membership_set  # noqa: E402
from tests.factories import BadgeClassFactory, IssuerFactory, UserFactory  # noqa: E402

issuer = IssuerFactory(name="Réseau OpenJob — Haute-Saône numérique")
mediator = UserFactory(username="mediator", first_name="Camille")
membership_set(issuer=issuer, user=mediator, role=Membership.Role.MEDIATOR)
badge_class = BadgeClassFactory(issuer=issuer, name="Je sais utiliser un ordinateur")
client = Client()
client.force_login(mediator)
print(json.dumps({"badge_class": str(badge_class.public_id), "session": client.cookies["sessionid"].value}))
