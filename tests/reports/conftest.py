"""A network of two structures with a known activity in the first half of 2026,
so that every figure of the report can be stated and recomputed."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from badges.coop import Autonomie, Thematique
from badges.models import Application, Assertion, BadgeClass
from endorsements.models import Endorsement, Endorser
from issuers.models import Issuer, Membership, Network
from issuers.services import membership_set
from pathways.models import Enrolment, Pathway, PathwayStep

PARIS = ZoneInfo("Europe/Paris")
PERIOD = {"du": "2026-01-01", "au": "2026-06-30"}


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=PARIS)


@dataclass
class Activity:
    network: Network
    vesoul: Issuer
    besancon: Issuer
    elsewhere: Issuer
    computer: BadgeClass
    mail: BadgeClass
    key: BadgeClass
    accounts: BadgeClass
    fundamentals: Pathway
    pepites: Pathway
    people: dict


def _give(badge, email, day, by=None, via=Assertion.Via.MEDIATOR, **extra) -> Assertion:
    return Assertion.objects.create(badge_class=badge, recipient_email=email, issued_on=day, issued_by=by,
                                    issued_via=via, **extra)


# Plain rows, no signing keys, password hashes nor badge images: the reports read none
# of them, and the fixture stays fast.
def IssuerFactory(**fields) -> Issuer:  # noqa: N802
    return Issuer.objects.create(email="contact@example.org", **fields)


def UserFactory(**fields):  # noqa: N802
    return get_user_model().objects.create(email=f"{fields['username']}@example.org", **fields)


def BadgeClassFactory(**fields) -> BadgeClass:  # noqa: N802
    return BadgeClass.objects.create(description="Une compétence observée.", criteria_narrative="Observée.",
                                     image="badges/test.png", **fields)


@pytest.fixture
def activity(db) -> Activity:
    return activity_build()


def activity_build() -> Activity:
    """The activity, on the database in use (also the embedded SQLite one, from a subprocess)."""
    vesoul = IssuerFactory(name="Médiathèque de Vesoul", commune_insee="70550", departement="70")
    besancon = IssuerFactory(name="France services Besançon", commune_insee="25056", departement="25")
    elsewhere = IssuerFactory(name="Structure hors réseau", commune_insee="75056", departement="75")
    people = {
        "owner": UserFactory(username="owner_v", first_name="Nadia", last_name="Owner"),
        "admin": UserFactory(username="admin_b", first_name="Paul", last_name="Admin"),
        "mediator": UserFactory(username="mediator_v", first_name="Camille", last_name="Martin"),
        "mediator_b": UserFactory(username="mediator_b", first_name="Karim", last_name="Benali"),
        "reviewer": UserFactory(username="reviewer_v", first_name="Lucie", last_name="Revue"),
        "network_admin": UserFactory(username="coordination", first_name="Inès", last_name="Réseau"),
        "outsider": UserFactory(username="outsider_owner", first_name="Olga", last_name="Ailleurs"),
    }
    membership_set(issuer=vesoul, user=people["owner"], role=Membership.Role.OWNER)
    membership_set(issuer=besancon, user=people["admin"], role=Membership.Role.ADMIN)
    membership_set(issuer=vesoul, user=people["mediator"], role=Membership.Role.MEDIATOR)
    membership_set(issuer=besancon, user=people["mediator_b"], role=Membership.Role.MEDIATOR)
    membership_set(issuer=vesoul, user=people["reviewer"], role=Membership.Role.REVIEWER)
    membership_set(issuer=elsewhere, user=people["outsider"], role=Membership.Role.OWNER)
    network = Network.objects.create(name="Réseau Bourgogne-Franche-Comté")
    network.issuers.set([vesoul, besancon])
    network.admins.set([people["network_admin"]])

    computer = BadgeClassFactory(issuer=vesoul, name="Je sais utiliser un ordinateur",
                                 coop_thematiques=[Thematique.PRENDRE_EN_MAIN_DU_MATERIEL],
                                 coop_autonomie=Autonomie.AUTONOME)
    mail = BadgeClassFactory(issuer=vesoul, name="Je sais envoyer un mail",
                             coop_thematiques=[Thematique.EMAIL, Thematique.NAVIGATION_SUR_INTERNET],
                             coop_autonomie=Autonomie.PARTIELLEMENT_AUTONOME)
    key = BadgeClassFactory(issuer=vesoul, name="Je maîtrise les fondamentaux", automatic=True)
    accounts = BadgeClassFactory(issuer=besancon, name="=Je sais créer mes comptes",
                                 coop_thematiques=[Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES])
    hidden = BadgeClassFactory(issuer=elsewhere, name="Badge hors réseau")

    fundamentals = Pathway.objects.create(issuer=vesoul, name="Fondamentaux", key_badge=key)
    PathwayStep.objects.create(pathway=fundamentals, badge_class=computer, order=1)
    PathwayStep.objects.create(pathway=fundamentals, badge_class=mail, order=2)
    pepites = Pathway.objects.create(issuer=besancon, name="PEPITES")
    engage = BadgeClassFactory(issuer=besancon, name="Je m'engage")
    baba = BadgeClassFactory(issuer=besancon, name="B.A.BA de l'entreprise")
    gant = BadgeClassFactory(issuer=besancon, name="Com'un gant")
    for order, (badge, days) in enumerate([(engage, 0), (baba, 30), (gant, 150)], start=1):
        PathwayStep.objects.create(pathway=pepites, badge_class=badge, order=order, min_delay_days=days)

    mediator, mediator_b, owner = people["mediator"], people["mediator_b"], people["owner"]
    # Vesoul: a@ holds the pathway, b@ one step; old@ was recognised in 2025 and comes back.
    _give(computer, "a@example.org", at("2026-01-10"), mediator, claimed_at=at("2026-01-11"), visibility="public")
    _give(mail, "a@example.org", at("2026-02-05"), mediator, claimed_at=at("2026-02-06"))
    _give(key, "a@example.org", at("2026-02-05", 11), None, Assertion.Via.AUTOMATIC)
    _give(computer, "b@example.org", at("2026-02-20"), owner)
    _give(computer, "old@example.org", at("2025-06-01"), mediator)
    _give(mail, "old@example.org", at("2026-04-01"), mediator, revoked=True)
    _give(mail, "late@example.org", at("2026-06-30", 23, 30), mediator)  # last evening of the period
    _give(mail, "july@example.org", at("2026-07-01", 0, 30), mediator)  # just after it
    _give(hidden, "a@example.org", at("2026-03-01"), people["outsider"])
    # Besançon: a@ again (one person for the network), c@, and the PEPITES steps.
    _give(accounts, "a@example.org", at("2026-03-16"), mediator_b, Assertion.Via.SELF)
    _give(accounts, "c@example.org", at("2026-03-15"), mediator_b, visibility="public", claimed_at=at("2026-03-15"))
    _give(engage, "x@example.org", at("2026-01-01", 9), mediator_b)
    _give(baba, "x@example.org", at("2026-02-02"), mediator_b, Assertion.Via.AUTOMATIC)
    _give(engage, "y@example.org", at("2026-03-01", 9), mediator_b)

    Enrolment.objects.create(pathway=fundamentals, recipient_email="a@example.org", started_on=at("2026-01-10"),
                             completed_at=at("2026-02-05", 11))
    Enrolment.objects.create(pathway=fundamentals, recipient_email="b@example.org", started_on=at("2026-02-20"))
    Enrolment.objects.create(pathway=pepites, recipient_email="x@example.org", started_on=at("2026-01-01", 9))
    Enrolment.objects.create(pathway=pepites, recipient_email="y@example.org", started_on=at("2026-03-01", 9))

    status = Application.Status
    for submitted, decided, state, reviewer in [
        ("2026-02-01", "2026-02-04", status.ACCEPTED, people["reviewer"]),
        ("2026-03-01", "2026-03-11", status.REFUSED, people["reviewer"]),
        ("2026-04-01", None, status.MORE_EVIDENCE, people["reviewer"]),
        ("2026-05-02", None, status.SUBMITTED, None),
    ]:
        Application.objects.create(badge_class=mail, applicant_email="app@example.org", applicant_name="Léa",
                                   status=state, submitted_at=at(submitted), reviewer=reviewer,
                                   decided_at=at(decided) if decided else None)
    Application.objects.create(badge_class=mail, applicant_email="draft@example.org", applicant_name="Bo")

    region = Endorser.objects.create(name="Région Bourgogne-Franche-Comté", email="region@example.org")
    Endorsement.objects.create(endorser=region, badge_class=computer, statement="Nous apprécions ce badge.",
                               created_at=at("2026-02-10"))
    Endorsement.objects.create(endorser=region, badge_class=accounts, statement="Retirée.",
                               created_at=at("2026-02-10"), withdrawn_at=at("2026-02-12"))
    return Activity(network=network, vesoul=vesoul, besancon=besancon, elsewhere=elsewhere, computer=computer,
                    mail=mail, key=key, accounts=accounts, fundamentals=fundamentals, pepites=pepites, people=people)


def issuer_url(issuer) -> str:
    return f"/badges/bilans/{issuer.public_id}/"


def network_url(network) -> str:
    return f"/badges/bilans/reseau/{network.public_id}/"
