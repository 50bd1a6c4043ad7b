"""The Coop de la médiation numérique's codes, as its public data model names them
(inclusion-numerique/coop-mediation-numerique, apps/web/prisma/schema.prisma:
enums ``Thematique`` and ``Autonomie``, stored under their ``@map`` value).

Badge classes carry them so that a structure can put its badges beside the
accompaniments it already reports to the Coop."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Thematique(models.TextChoices):
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", _("Diagnostic numérique")
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", _("Prendre en main du matériel")
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", _("Maintenance de matériel")
    GERE_SES_CONTENUS_NUMERIQUES = "gere_ses_contenus_numeriques", _("Gérer ses contenus numériques")
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", _("Navigation sur internet")
    EMAIL = "email", _("E-mail")
    BUREAUTIQUE = "bureautique", _("Bureautique")
    RESEAUX_SOCIAUX = "reseaux_sociaux", _("Réseaux sociaux communication")
    SANTE = "sante", _("Santé")
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", _("Banque et achats en ligne")
    ENTREPRENEURIAT = "entrepreneuriat", _("Entrepreneuriat")
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", _("Insertion professionnelle")
    SECURITE_NUMERIQUE = "securite_numerique", _("Prévention en sécurité numérique")
    PARENTALITE = "parentalite", _("Parentalité")
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", _("Scolarité et numérique")
    CREER_AVEC_LE_NUMERIQUE = "creer_avec_le_numerique", _("Créer avec le numérique")
    CULTURE_NUMERIQUE = "culture_numerique", _("Culture numérique")
    INTELLIGENCE_ARTIFICIELLE = "intelligence_artificielle", _("Intelligence artificielle")
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = "aide_aux_demarches_administratives", _("Aide aux démarches administratives")
    PAPIERS_ELECTIONS_CITOYENNETE = "papiers_elections_citoyennete", _("Papiers — Élections — Citoyenneté")
    FAMILLE_SCOLARITE = "famille_scolarite", _("Famille — Scolarité")
    SOCIAL_SANTE = "social_sante", _("Social — Santé")
    TRAVAIL_FORMATION = "travail_formation", _("Travail — Formation")
    LOGEMENT = "logement", _("Logement")
    TRANSPORTS_MOBILITE = "transports_mobilite", _("Transports — Mobilité")
    ARGENT_IMPOTS = "argent_impots", _("Argent — Impôts")
    JUSTICE = "justice", _("Justice")
    ETRANGERS_EUROPE = "etrangers_europe", _("Étrangers — Europe")
    LOISIRS_SPORTS_CULTURE = "loisirs_sports_culture", _("Loisirs — Sports — Culture")
    ASSOCIATIONS = "associations", _("Associations")


class Autonomie(models.TextChoices):
    ENTIEREMENT_ACCOMPAGNE = "entierement_accompagne", _("Entièrement accompagné")
    PARTIELLEMENT_AUTONOME = "partiellement_autonome", _("Partiellement autonome")
    AUTONOME = "autonome", _("Autonome")
