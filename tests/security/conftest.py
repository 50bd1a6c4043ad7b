"""One object of each kind, all belonging to ``issuer`` and ``beneficiary``, so that a test
can reach every view with real ids and check who is let in."""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from badges.models import Application, Assertion, ImportedBadge, IssueBatch, OutgoingEmail
from badges.services import EvidenceInput, assertion_issue, batch_create
from endorsements.models import Endorsement, Endorser
from issuers.models import Network
from pathways.models import Enrolment, Pathway, PathwayStep


@dataclass
class World:
    assertion: Assertion
    email: OutgoingEmail
    batch: IssueBatch
    application: Application
    imported: ImportedBadge
    enrolment: Enrolment
    step: PathwayStep
    pathway: Pathway
    endorser: Endorser
    endorsement: Endorsement
    network: Network


@pytest.fixture
def world(issuer, badge_class, owner, mediator, beneficiary) -> World:
    badge_class.requestable = True
    badge_class.save()
    assertion = assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, recipient_name="Sam",
                                issued_by=owner, narrative="A envoyé un mail seul",
                                evidence=[EvidenceInput(url="https://example.org/preuve-privee")])
    assert assertion.visibility == Assertion.Visibility.PRIVATE
    batch = batch_create(badge_class=badge_class, created_by=mediator,
                         data=b"name,email\nAli,ali@example.org\n")
    application = Application.objects.create(
        badge_class=badge_class, applicant_email="lea@example.org", applicant_name="Léa",
        status=Application.Status.SUBMITTED,
    )
    imported = ImportedBadge.objects.create(
        user=beneficiary, recipient_email=beneficiary.email, document_id="https://elsewhere.example/a/1",
        badge_name="Badge d'ailleurs", version="ob2", source=ImportedBadge.Source.JSON,
        original_document={"id": "https://elsewhere.example/a/1"}, verified_status="valid",
    )
    pathway = Pathway.objects.create(issuer=issuer, name="PEPITES")
    step = PathwayStep.objects.create(pathway=pathway, badge_class=badge_class, order=1)
    enrolment = Enrolment.objects.create(pathway=pathway, recipient_email="ali@example.org")
    endorser = Endorser.objects.create(name="Région")
    endorsement = Endorsement.objects.create(endorser=endorser, badge_class=badge_class,
                                             statement="Nous apprécions ce badge.")
    network = Network.objects.create(name="Réseau du territoire")
    network.issuers.add(issuer)
    return World(
        network=network,
        assertion=assertion, email=OutgoingEmail.objects.filter(assertion=assertion).first(), batch=batch,
        application=application, imported=imported, enrolment=enrolment, step=step, pathway=pathway,
        endorser=endorser, endorsement=endorsement,
    )


def url_patterns(patterns=None, namespace: str | None = None):
    """(qualified name, pattern) of every URL the project serves, the admin excepted."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from url_patterns(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name or entry.lookup_str, entry
