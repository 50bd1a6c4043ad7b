"""The demo catalogue of DOMAIN.md: MedNum BFC (4 pathways, 14 + 1 badges),
IAE Nouvelle-Aquitaine PEPITES (3 time-based steps), Info Jeunes (2 badges),
and demo people. ``load_demo()`` is idempotent: running it twice creates nothing twice."""

import io
import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from badges.coop import Autonomie, Thematique
from badges.models import Alignment, Assertion, BadgeClass
from badges.services import assertion_issue, email_address_add
from endorsements.models import Endorsement, Endorser
from endorsements.services import endorsement_sign
from issuers.models import Issuer, Membership, Network
from issuers.services import issuer_create, membership_set
from pathways.models import Pathway, PathwayStep
from pathways.services import enrolment_update

PIX = "https://pix.fr/competences"


@dataclass
class BadgeSpec:
    name: str
    description: str
    criteria: str
    evidence: str
    initials: str
    alignment: tuple[str, str] | None = None  # (PIX code, competence name)
    requestable: bool = False
    self_issuable: bool = False
    automatic: bool = False
    validity_days: int | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class PathwaySpec:
    name: str
    description: str
    colour: str
    steps: list[BadgeSpec]
    key: BadgeSpec
    delays: list[int] | None = None
    conditions: list[str] | None = None


def _observed(skill: str) -> str:
    return (
        f"Le médiateur a observé la personne {skill} de façon autonome, lors d'un atelier ou d'un "
        f"accompagnement individuel."
    )


MEDNUM_PATHWAYS = [
    PathwaySpec(
        "Pré-requis fondamentaux",
        "Les bases pour être à l'aise avec les outils numériques du quotidien.",
        "#0b5cad",
        [
            BadgeSpec(
                "Je sais utiliser un ordinateur",
                "Allumer et éteindre un ordinateur, utiliser la souris et le clavier, ouvrir un logiciel.",
                _observed("allumer l'ordinateur, se servir de la souris et du clavier et ouvrir un logiciel"),
                "Une observation du médiateur, ou une photo de l'exercice réalisé.",
                "PC",
                ("5.2", "Environnement numérique"),
            ),
            BadgeSpec(
                "Je sais utiliser un smartphone ou une tablette",
                "Déverrouiller l'appareil, installer et ouvrir une application, régler le son et la connexion.",
                _observed("installer une application et régler son appareil"),
                "Une observation du médiateur.",
                "TEL",
                ("5.2", "Environnement numérique"),
            ),
            BadgeSpec(
                "Je sais gérer mes fichiers",
                "Créer un dossier, enregistrer, renommer, déplacer et retrouver un fichier.",
                _observed("ranger et retrouver ses fichiers"),
                "Une capture d'écran de l'arborescence créée.",
                "DOC",
                ("1.3", "Traitement des données"),
            ),
        ],
        BadgeSpec(
            "Je maîtrise les fondamentaux du numérique",
            "Badge-clé du parcours Pré-requis fondamentaux : la personne utilise ordinateur, smartphone et "
            "fichiers en autonomie.",
            "Obtenu automatiquement quand les trois badges du parcours sont détenus.",
            "",
            "F",
            automatic=True,
        ),
    ),
    PathwaySpec(
        "Bureautique",
        "Rédiger, calculer et présenter avec les logiciels de bureautique.",
        "#1f7a3a",
        [
            BadgeSpec(
                "Je sais rédiger un document (traitement de texte)",
                "Saisir, mettre en forme, enregistrer et imprimer un document texte (lettre, CV).",
                _observed("rédiger et mettre en forme un document"),
                "Le document produit (fichier ou photo).",
                "TXT",
                ("3.1", "Développement de documents textuels"),
            ),
            BadgeSpec(
                "Je sais utiliser un tableur",
                "Saisir des données dans un tableau, faire une somme, trier, tracer un graphique simple.",
                _observed("construire un tableau avec un calcul simple"),
                "Le tableau produit.",
                "CALC",
                ("3.2", "Développement de documents multimédia"),
            ),
            BadgeSpec(
                "Je sais créer une présentation",
                "Créer un diaporama de quelques diapositives avec titres, textes et images.",
                _observed("créer un diaporama"),
                "La présentation produite.",
                "PRES",
                ("3.2", "Développement de documents multimédia"),
            ),
        ],
        BadgeSpec(
            "Je connais les bases de la bureautique",
            "Badge-clé du parcours Bureautique : texte, tableur et présentation.",
            "Obtenu automatiquement quand les trois badges du parcours sont détenus.",
            "",
            "B",
            automatic=True,
        ),
    ),
    PathwaySpec(
        "Communication numérique",
        "Naviguer sur Internet et communiquer par e-mail.",
        "#8a3ffc",
        [
            BadgeSpec(
                "Je sais naviguer sur Internet",
                "Utiliser un navigateur, faire une recherche, ouvrir un lien, utiliser les favoris.",
                _observed("chercher une information et la retrouver"),
                "Une observation du médiateur.",
                "WEB",
                ("1.1", "Mener une recherche et une veille d'information"),
            ),
            BadgeSpec(
                "Je sais envoyer et recevoir des mails",
                "Créer une adresse, écrire, envoyer, lire et répondre à un e-mail, joindre un fichier.",
                _observed("envoyer un e-mail avec une pièce jointe"),
                "Un e-mail envoyé au médiateur.",
                "@",
                ("2.1", "Interagir"),
            ),
        ],
        BadgeSpec(
            "Je sais gérer mes mails",
            "Badge-clé du parcours Communication numérique.",
            "Obtenu automatiquement quand les deux badges du parcours sont détenus.",
            "",
            "M",
            automatic=True,
        ),
    ),
    PathwaySpec(
        "Démarches en ligne",
        "Faire ses démarches administratives en ligne en sécurité.",
        "#c2410c",
        [
            BadgeSpec(
                "Je sais identifier les sites officiels",
                "Reconnaître un site officiel (gouv.fr), repérer les arnaques et les faux sites.",
                _observed("distinguer un site officiel d'un faux site"),
                "Une observation du médiateur.",
                "GOUV",
                ("4.1", "Sécuriser l'environnement numérique"),
            ),
            BadgeSpec(
                "Je sais créer et gérer mes comptes en ligne",
                "Créer un compte (France Connect, Ameli, CAF…), choisir un mot de passe sûr, le retrouver.",
                _observed("créer un compte et se reconnecter"),
                "Une observation du médiateur.",
                "ID",
                ("4.2", "Protéger les données personnelles"),
            ),
        ],
        BadgeSpec(
            "Je sais gérer mes démarches en ligne",
            "Badge-clé du parcours Démarches en ligne.",
            "Obtenu automatiquement quand les deux badges du parcours sont détenus.",
            "",
            "D",
            automatic=True,
        ),
    ),
]

ACTEUR = BadgeSpec(
    "Acteur de la médiation numérique",
    "Je suis un acteur de la médiation numérique reconnu par le réseau : je délivre les badges du réseau.",
    "Être médiateur numérique (conseiller numérique, animateur…) d'une structure partenaire du réseau, avoir suivi "
    "la présentation des badges et s'engager à les délivrer selon les critères partagés.",
    "L'attestation de la structure partenaire.",
    "ACT",
)

PEPITES = PathwaySpec(
    "PEPITES — parcours en insertion",
    "Un parcours dans le temps du contrat de travail en structure d'insertion par l'activité économique.",
    "#0f766e",
    [
        BadgeSpec(
            "Je m'engage pour mon parcours",
            "La période d'essai est validée : la personne s'engage dans son parcours d'insertion.",
            "Délivré à l'entrée, puis documenté par des preuves et recommandé par les partenaires.",
            "Le contrat signé, le bilan de la période d'essai.",
            "1",
        ),
        BadgeSpec(
            "B.A.BA de l'entreprise",
            "Intégration réussie : la personne connaît ses droits et ses devoirs de salarié.",
            "Après un ou deux mois : le conseiller en insertion confirme l'intégration dans l'équipe.",
            "Un entretien avec le conseiller en insertion.",
            "2",
        ),
        BadgeSpec(
            "Com'un gant",
            "La personne a un projet professionnel, connaît ses freins et sait les exprimer.",
            "Après cinq ou six mois : la personne présente son projet professionnel et ses freins.",
            "La fiche projet professionnel.",
            "3",
        ),
    ],
    BadgeSpec(
        "Parcours PEPITES accompli",
        "Badge-clé du parcours PEPITES : les trois étapes sont validées.",
        "Obtenu automatiquement quand les trois étapes sont détenues.",
        "",
        "P",
        automatic=True,
    ),
    delays=[0, 30, 150],
    conditions=[
        "Période d'essai validée.",
        "Intégration, droits et devoirs du salarié compris.",
        "Projet professionnel exprimé, freins identifiés.",
    ],
)

YOUTH = [
    BadgeSpec(
        "Engagement citoyen",
        "La personne s'est engagée dans une action citoyenne (bénévolat, service civique, projet collectif).",
        "Décrire l'action menée, sa durée et ce qu'elle a apporté. Évalué chaque trimestre.",
        "Une description de l'action, une photo ou une attestation de la structure.",
        "EC",
        requestable=True,
        tags=["jeunesse", "engagement"],
    ),
    BadgeSpec(
        "Compétences numériques",
        "La personne utilise les outils numériques pour s'informer, communiquer et créer.",
        "Montrer une réalisation numérique (vidéo, site, document). Évalué chaque trimestre.",
        "Un lien vers la réalisation ou une capture d'écran.",
        "CN",
        requestable=True,
        self_issuable=True,
        tags=["jeunesse", "numérique"],
    ),
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def badge_png(initials: str, colour: str, key: bool = False) -> bytes:
    """A 400×400 badge: a coloured medal with the badge's initials; key badges get a star ring."""
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), fill=colour)
    draw.ellipse((40, 40, 360, 360), fill="white")
    draw.ellipse((60, 60, 340, 340), fill=colour)
    if key:
        for i in range(12):
            angle = 2 * math.pi * i / 12
            x, y = 200 + 165 * math.cos(angle), 200 + 165 * math.sin(angle)
            draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill="#f5c518")
    size = 150 if len(initials) <= 2 else 96
    draw.text((200, 200), initials, font=_font(size), fill="white", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def badge_svg(initials: str, colour: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">'
        f'<circle cx="200" cy="200" r="190" fill="{colour}"/><circle cx="200" cy="200" r="160" fill="#fff"/>'
        f'<circle cx="200" cy="200" r="140" fill="{colour}"/>'
        '<text x="200" y="200" font-family="sans-serif" font-size="110" font-weight="bold" fill="#fff" '
        f'text-anchor="middle" dominant-baseline="central">{initials}</text></svg>'
    ).encode()


def _badge(
    issuer: Issuer,
    spec: BadgeSpec,
    colour: str,
    *,
    key: bool = False,
    svg: bool = False,
    required: BadgeClass | None = None,
) -> BadgeClass:
    badge = BadgeClass.objects.filter(issuer=issuer, name=spec.name).first()
    if badge is not None:
        return badge
    badge = BadgeClass(
        issuer=issuer,
        name=spec.name,
        description=spec.description,
        criteria_narrative=spec.criteria,
        evidence_guidance=spec.evidence,
        tags=spec.tags,
        validity_days=spec.validity_days,
        issuable_by_mediator=not spec.automatic,
        requestable=spec.requestable,
        self_issuable=spec.self_issuable,
        automatic=spec.automatic,
        required_badge=required,
        application_questions="Qu'avez-vous réalisé ?\nQu'avez-vous appris ?" if spec.requestable else "",
    )
    slug = "".join(c for c in spec.initials.lower() if c.isalnum()) or "badge"
    if svg:
        badge.image.save(f"{slug}.svg", ContentFile(badge_svg(spec.initials, colour)), save=False)
    else:
        badge.image.save(f"{slug}.png", ContentFile(badge_png(spec.initials, colour, key)), save=False)
    badge.full_clean()
    badge.save()
    if spec.alignment:
        code, name = spec.alignment
        Alignment.objects.create(
            badge_class=badge, target_name=name, target_url=PIX, target_code=code, target_framework="Pix / DigComp"
        )
    return badge


def _pathway(issuer: Issuer, spec: PathwaySpec, position: int, required: BadgeClass | None) -> Pathway:
    key = _badge(issuer, spec.key, spec.colour, key=True)
    pathway, _created = Pathway.objects.get_or_create(
        issuer=issuer,
        name=spec.name,
        defaults={"description": spec.description, "key_badge": key, "position": position},
    )
    for order, step_spec in enumerate(spec.steps, start=1):
        badge = _badge(issuer, step_spec, spec.colour, required=required)
        PathwayStep.objects.get_or_create(
            pathway=pathway,
            badge_class=badge,
            defaults={
                "order": order,
                "min_delay_days": spec.delays[order - 1] if spec.delays else 0,
                "condition": spec.conditions[order - 1] if spec.conditions else "",
            },
        )
    return pathway


DEMO_NETWORK = "Réseau des Communs de la médiation numérique (démo)"
# Where each demo structure is (INSEE code of its commune), for the reports' territories.
DEMO_COMMUNES = {
    "Réseau OpenJob — Haute-Saône numérique": "70550",  # Vesoul
    "IAE Nouvelle-Aquitaine — PEPITES": "33063",  # Bordeaux
    "Info Jeunes — Peer to Peer": "14762",  # Vire Normandie
}
_T, _A = Thematique, Autonomie
# The Coop de la médiation numérique's thématiques and the autonomy level each badge recognises.
DEMO_COOP = {
    "Je sais utiliser un ordinateur": ([_T.PRENDRE_EN_MAIN_DU_MATERIEL], _A.AUTONOME),
    "Je sais utiliser un smartphone ou une tablette": ([_T.PRENDRE_EN_MAIN_DU_MATERIEL], _A.AUTONOME),
    "Je sais gérer mes fichiers": ([_T.GERE_SES_CONTENUS_NUMERIQUES], _A.AUTONOME),
    "Je maîtrise les fondamentaux du numérique": (
        [_T.PRENDRE_EN_MAIN_DU_MATERIEL, _T.GERE_SES_CONTENUS_NUMERIQUES], _A.AUTONOME),
    "Je sais rédiger un document (traitement de texte)": ([_T.BUREAUTIQUE], _A.PARTIELLEMENT_AUTONOME),
    "Je sais utiliser un tableur": ([_T.BUREAUTIQUE], _A.PARTIELLEMENT_AUTONOME),
    "Je sais créer une présentation": ([_T.BUREAUTIQUE], _A.PARTIELLEMENT_AUTONOME),
    "Je connais les bases de la bureautique": ([_T.BUREAUTIQUE], _A.AUTONOME),
    "Je sais naviguer sur Internet": ([_T.NAVIGATION_SUR_INTERNET], _A.AUTONOME),
    "Je sais envoyer et recevoir des mails": ([_T.EMAIL], _A.PARTIELLEMENT_AUTONOME),
    "Je sais gérer mes mails": ([_T.EMAIL, _T.NAVIGATION_SUR_INTERNET], _A.AUTONOME),
    "Je sais identifier les sites officiels": ([_T.SECURITE_NUMERIQUE], _A.PARTIELLEMENT_AUTONOME),
    "Je sais créer et gérer mes comptes en ligne": (
        [_T.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, _T.SECURITE_NUMERIQUE], _A.PARTIELLEMENT_AUTONOME),
    "Je sais gérer mes démarches en ligne": ([_T.AIDE_AUX_DEMARCHES_ADMINISTRATIVES], _A.AUTONOME),
    "Je m'engage pour mon parcours": ([_T.INSERTION_PROFESSIONNELLE], _A.ENTIEREMENT_ACCOMPAGNE),
    "B.A.BA de l'entreprise": ([_T.INSERTION_PROFESSIONNELLE, _T.TRAVAIL_FORMATION], _A.PARTIELLEMENT_AUTONOME),
    "Com'un gant": ([_T.INSERTION_PROFESSIONNELLE, _T.TRAVAIL_FORMATION], _A.AUTONOME),
    "Compétences numériques": ([_T.CULTURE_NUMERIQUE, _T.CREER_AVEC_LE_NUMERIQUE], _A.AUTONOME),
    "Engagement citoyen": ([_T.ASSOCIATIONS, _T.PAPIERS_ELECTIONS_CITOYENNETE], ""),
}


def _reports_setup(issuers: list[Issuer], coordinator) -> Network:
    """Communes, the network grouping the demo issuers, and the badges' Coop tags; idempotent."""
    for issuer in issuers:
        if not issuer.commune_insee and issuer.name in DEMO_COMMUNES:
            issuer.commune_insee = DEMO_COMMUNES[issuer.name]
            issuer.full_clean()  # fills the département from the commune
            issuer.save(update_fields=["commune_insee", "departement"])
    network, _created = Network.objects.get_or_create(name=DEMO_NETWORK)
    network.issuers.add(*issuers)
    network.admins.add(coordinator)
    for name, (thematiques, autonomie) in DEMO_COOP.items():
        BadgeClass.objects.filter(issuer__in=issuers, name=name, coop_thematiques=[]).update(
            coop_thematiques=[str(code) for code in thematiques], coop_autonomie=str(autonomie))
    return network


DEMO_PEOPLE = {
    # username: (first name, last name, e-mail, password, is network admin)
    "admin": ("Nadia", "Réseau", "admin@demo.badgehub.fr", "demo-admin-2026", True),
    "mediatrice": ("Camille", "Médiatrice", "camille.mediatrice@demo.badgehub.fr", "demo-mediatrice-2026", False),
    "cip": ("Karim", "Conseiller", "karim.cip@demo.badgehub.fr", "demo-cip-2026", False),
    "evaluateur": ("Lucie", "Évaluatrice", "lucie.evaluatrice@demo.badgehub.fr", "demo-evaluateur-2026", False),
    "beneficiaire": ("Sam", "Bénéficiaire", "sam.beneficiaire@demo.badgehub.fr", "demo-beneficiaire-2026", False),
    "partenaire": ("Inès", "Mission Locale", "ines.partenaire@demo.badgehub.fr", "demo-partenaire-2026", False),
}


def _person(username: str):
    first, last, email, password, admin = DEMO_PEOPLE[username]
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": email, "is_staff": admin, "is_superuser": admin},
    )
    if created:
        user.set_password(password)
        user.save()
    email_address_add(user=user, email=email, verified=True)
    return user


@transaction.atomic
def load_demo() -> dict:
    people = {username: _person(username) for username in DEMO_PEOPLE}
    mednum = Issuer.objects.filter(name="Réseau OpenJob — Haute-Saône numérique").first() or issuer_create(
        name="Réseau OpenJob — Haute-Saône numérique",
        email="contact@demo.badgehub.fr",
        url="https://haute-saone-numerique.example.org",
        territory="Haute-Saône, Bourgogne-Franche-Comté",
        co_creators="MedNum BFC, DEFFILAB",
        description="Le réseau de la médiation numérique de Haute-Saône reconnaît les compétences numériques des "
        "personnes accompagnées par ses partenaires.",
    )
    iae = Issuer.objects.filter(name="IAE Nouvelle-Aquitaine — PEPITES").first() or issuer_create(
        name="IAE Nouvelle-Aquitaine — PEPITES",
        email="pepites@demo.badgehub.fr",
        territory="Nouvelle-Aquitaine",
        description="Les structures d'insertion par l'activité économique reconnaissent le parcours de leurs salariés.",
    )
    youth = Issuer.objects.filter(name="Info Jeunes — Peer to Peer").first() or issuer_create(
        name="Info Jeunes — Peer to Peer",
        email="infojeunes@demo.badgehub.fr",
        territory="Vire Normandie",
        description="Le service jeunesse valorise l'engagement et les compétences des jeunes.",
    )

    acteur = _badge(mednum, ACTEUR, "#334155")
    if not acteur.issued_by_staff_only:
        # The network recognises its mediators: only its administrators award the habilitation.
        acteur.issued_by_staff_only = True
        acteur.save(update_fields=["issued_by_staff_only"])
    for position, spec in enumerate(MEDNUM_PATHWAYS):
        _pathway(mednum, spec, position, required=acteur)
    pepites = _pathway(iae, PEPITES, 0, required=None)
    youth_badges = [_badge(youth, spec, "#db2777" if i == 0 else "#2563eb", svg=True) for i, spec in enumerate(YOUTH)]

    membership_set(issuer=mednum, user=people["admin"], role=Membership.Role.OWNER)
    membership_set(issuer=iae, user=people["admin"], role=Membership.Role.OWNER)
    membership_set(issuer=youth, user=people["admin"], role=Membership.Role.OWNER)
    membership_set(issuer=mednum, user=people["mediatrice"], role=Membership.Role.MEDIATOR)
    membership_set(issuer=iae, user=people["cip"], role=Membership.Role.MEDIATOR)
    membership_set(issuer=youth, user=people["evaluateur"], role=Membership.Role.REVIEWER)
    membership_set(issuer=mednum, user=people["evaluateur"], role=Membership.Role.REVIEWER)
    for badge in youth_badges:
        badge.reviewers.add(people["evaluateur"])

    mediatrice, beneficiary = people["mediatrice"], people["beneficiaire"]
    assertion_issue(
        badge_class=acteur,
        recipient_email=mediatrice.email,
        recipient_name=mediatrice.get_full_name(),
        issued_by=people["admin"],
        via=Assertion.Via.MEDIATOR,
        notify=False,
        narrative="Médiatrice numérique partenaire du réseau depuis 2024.",
        idempotency_key="demo:acteur:mediatrice",
    )
    fundamentals = BadgeClass.objects.filter(
        pathway_steps__pathway__name="Pré-requis fondamentaux", issuer=mednum
    ).order_by("pathway_steps__order")
    endorser, _created = Endorser.objects.get_or_create(
        name="Mission Locale de Vesoul",
        defaults={"email": "contact@ml-vesoul.example.org", "description": "Accompagne les jeunes de 16 à 25 ans."},
    )
    endorser.members.add(people["partenaire"])
    endorsement, _created = Endorsement.objects.get_or_create(
        endorser=endorser,
        badge_class=fundamentals[0],
        defaults={
            "statement": "Nous apprécions ce badge : il atteste d'une autonomie réelle sur ordinateur, utile "
            "à toute recherche d'emploi."
        },
    )
    if endorsement.ob3_credential is None:
        # Signed before the demo badges are: their OB 3.0 credentials embed it.
        endorsement_sign(endorsement=endorsement)

    for badge in fundamentals[:2]:
        assertion_issue(
            badge_class=badge,
            recipient_email=beneficiary.email,
            recipient_name=beneficiary.get_full_name(),
            issued_by=mediatrice,
            notify=False,
            narrative="Observé lors de l'atelier du mardi à la médiathèque.",
            idempotency_key=f"demo:{badge.pk}:beneficiaire",
        )
    Assertion.objects.filter(recipient_email=beneficiary.email, claimed_at__isnull=True).update(
        recipient_user=beneficiary, claimed_at=timezone.now()
    )
    pepites_first = pepites.steps.order_by("order").first().badge_class
    alex = assertion_issue(
        badge_class=pepites_first,
        recipient_email="salarie.pepites@demo.badgehub.fr",
        recipient_name="Alex Salarié",
        issued_by=people["cip"],
        notify=False,
        narrative="Période d'essai validée.",
        idempotency_key="demo:pepites:alex",
        issued_on=timezone.now() - timedelta(days=40),
    )
    # Alex entered 40 days ago: the 1–2 month step now waits for the CIP's confirmation.
    enrolment_update(pathway=pepites, email=alex.recipient_email, name=alex.recipient_name, started_on=alex.issued_on)

    network = _reports_setup([mednum, iae, youth], people["admin"])
    return {"issuers": [mednum, iae, youth], "people": people, "network": network}
