import secrets
import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.coop import Autonomie, Thematique
from issuers.models import Issuer, SigningKey


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_salt() -> str:
    return secrets.token_hex(16)


class BadgeClassQuerySet(models.QuerySet):
    def active(self) -> "BadgeClassQuerySet":
        return self.filter(archived=False)

    def requestable(self) -> "BadgeClassQuerySet":
        return self.active().filter(Q(requestable=True) | Q(self_issuable=True))


class BadgeClass(models.Model):
    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="badge_classes", verbose_name=_("émetteur")
    )
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"))
    image = models.FileField(_("image (PNG ou SVG)"), upload_to="badges/")
    criteria_narrative = models.TextField(_("critères d'obtention"))
    criteria_url = models.URLField(_("page des critères"), blank=True)
    evidence_guidance = models.TextField(
        _("preuves attendues"), blank=True, help_text=_("Ce que la personne doit montrer : tâche réalisée, document…")
    )
    application_questions = models.TextField(
        _("questions posées au demandeur"), blank=True, help_text=_("Une question par ligne.")
    )
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)
    validity_days = models.PositiveIntegerField(
        _("durée de validité (jours)"), null=True, blank=True, help_text=_("Vide : le badge n'expire pas.")
    )
    # The four ways of obtaining a badge (DOMAIN.md).
    issuable_by_mediator = models.BooleanField(_("délivré par un médiateur"), default=True)
    requestable = models.BooleanField(_("sur demande, après évaluation"), default=False)
    self_issuable = models.BooleanField(_("auto-délivré"), default=False)
    automatic = models.BooleanField(_("automatique sur critères"), default=False)
    evidence_required = models.BooleanField(_("preuve obligatoire"), default=False)
    issued_by_staff_only = models.BooleanField(
        _("délivré seulement par les administrateurs de l'émetteur"),
        default=False,
        help_text=_("Pour les badges qui habilitent à délivrer : les médiateurs ne peuvent pas se les attribuer."),
    )
    required_badge = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="habilitates",
        verbose_name=_("habilitation requise"),
        help_text=_("Seuls les titulaires de ce badge peuvent délivrer celui-ci."),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="reviewed_badge_classes", verbose_name=_("évaluateurs")
    )
    # The Coop de la médiation numérique's vocabulary (badges.coop), for the activity reports.
    # A JSON list of codes (not an ArrayField): the embedded SQLite default migrates too.
    coop_thematiques = models.JSONField(
        _("thématiques (Coop de la médiation numérique)"), default=list, blank=True,
        help_text=_("Codes de la Coop, par ex. email, bureautique."),
    )
    coop_autonomie = models.CharField(
        _("niveau d'autonomie reconnu (Coop)"), max_length=30, choices=Autonomie.choices, blank=True
    )
    archived = models.BooleanField(_("archivé"), default=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    objects = BadgeClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["issuer__name", "name"]
        constraints = [models.UniqueConstraint(fields=["issuer", "name"], name="unique_badge_name_per_issuer")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("badges:class_detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        if self.image and not self.image.name.lower().endswith((".png", ".svg")):
            raise ValidationError({"image": _("L'image d'un badge doit être un fichier PNG ou SVG.")})
        if self.required_badge_id and self.required_badge_id == self.pk:
            raise ValidationError({"required_badge": _("Un badge ne peut pas s'habiliter lui-même.")})
        if not isinstance(self.coop_thematiques, list) or set(self.coop_thematiques) - set(Thematique.values):
            raise ValidationError({"coop_thematiques": _("Choisissez des thématiques de la Coop de la médiation "
                                                         "numérique.")})

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.application_questions.splitlines() if line.strip()]


class Alignment(models.Model):
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, related_name="alignments")
    target_name = models.CharField(_("compétence"), max_length=300)
    target_url = models.URLField(_("lien"))
    target_description = models.TextField(_("description"), blank=True)
    target_framework = models.CharField(_("référentiel"), max_length=200, blank=True)
    target_code = models.CharField(_("code"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("alignement sur un référentiel")
        verbose_name_plural = _("alignements sur un référentiel")

    def __str__(self) -> str:
        return f"{self.target_framework} {self.target_code} {self.target_name}".strip()


class AssertionQuerySet(models.QuerySet):
    def valid(self) -> "AssertionQuerySet":
        now = timezone.now()
        return self.filter(revoked=False).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=now))

    def for_email(self, emails) -> "AssertionQuerySet":
        return self.filter(recipient_email__in=[e.lower() for e in emails])


class Assertion(models.Model):
    class Via(models.TextChoices):
        MEDIATOR = "mediator", _("délivré par un médiateur")
        APPLICATION = "application", _("sur demande, après évaluation")
        SELF = "self", _("auto-délivré")
        AUTOMATIC = "automatic", _("automatique")
        IMPORT = "import", _("importé")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("privé")
        PUBLIC = "public", _("public")

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, related_name="assertions", verbose_name=_("badge")
    )
    # Blank only for a badge kept at the mediator's desk by someone without an e-mail
    # address: it then names its holder by ``recipient_url`` (their passport's page).
    recipient_email = models.EmailField(_("e-mail du bénéficiaire"), db_index=True, blank=True)
    recipient_url = models.URLField(_("adresse du passeport du bénéficiaire"), max_length=300, blank=True)
    recipient_name = models.CharField(_("nom du bénéficiaire"), max_length=200, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assertions",
        verbose_name=_("compte du bénéficiaire"),
    )
    salt = models.CharField(max_length=64, default=new_salt, editable=False)
    issued_on = models.DateTimeField(_("délivré le"), default=timezone.now)
    expires_on = models.DateTimeField(_("expire le"), null=True, blank=True)
    narrative = models.TextField(_("observation"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_assertions",
        verbose_name=_("délivré par"),
    )
    issued_via = models.CharField(_("mode d'obtention"), max_length=20, choices=Via.choices, default=Via.MEDIATOR)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    revoked = models.BooleanField(_("révoqué"), default=False)
    revocation_reason = models.CharField(_("motif de révocation"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    claim_token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    claimed_at = models.DateTimeField(_("réclamé le"), null=True, blank=True)
    declined_at = models.DateTimeField(_("refusé le"), null=True, blank=True)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    show_evidence = models.BooleanField(_("montrer les preuves"), default=True)
    show_narrative = models.BooleanField(_("montrer l'observation"), default=True)
    # Generated documents and baked files, filled by the signing/baking task.
    signing_key_ed25519 = models.ForeignKey(
        SigningKey, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signing_key_rsa = models.ForeignKey(SigningKey, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ob2_jws = models.TextField(blank=True, editable=False)
    ob3_credential = models.JSONField(null=True, blank=True, editable=False)
    ob3_jwt = models.TextField(blank=True, editable=False)
    baked_png = models.FileField(upload_to="baked/", blank=True, editable=False)
    baked_svg = models.FileField(upload_to="baked/", blank=True, editable=False)
    baked_at = models.DateTimeField(_("cuit le"), null=True, blank=True, editable=False)
    bake_error = models.TextField(_("erreur de cuisson"), blank=True, editable=False)
    # An imported badge keeps its original document (issue: import from other platforms).
    original_document = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AssertionQuerySet.as_manager()

    class Meta:
        verbose_name = _("badge délivré")
        verbose_name_plural = _("badges délivrés")
        ordering = ["-issued_on"]
        indexes = [
            models.Index(fields=["badge_class", "recipient_email"]),
            # The activity reports filter a period as a range on issued_on.
            models.Index(fields=["badge_class", "issued_on"], name="assertion_class_issued_idx"),
            # The staff list's order (newest first, id to break ties: stable pages). Its search
            # uses trigram indexes created by migration 0008 on PostgreSQL only.
            models.Index(fields=["-issued_on", "-id"], name="assertion_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.badge_class} → {self.recipient_name or self.recipient_email}"

    def get_absolute_url(self) -> str:
        return reverse("badges:assertion_detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        if not self.recipient_email and not self.recipient_url:
            raise ValidationError({"recipient_email": _("Indiquez l'adresse e-mail du bénéficiaire.")})

    # The OB 3.0 status lists are chunks of the primary-key space: list n of an
    # issuer holds ids [n*SIZE, (n+1)*SIZE). No counter to lock while issuing.
    STATUS_LIST_SIZE = 131072

    @property
    def status_list(self) -> tuple[int, int]:
        return divmod(self.pk, self.STATUS_LIST_SIZE)

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on <= timezone.now()

    @property
    def status(self) -> str:
        if self.revoked:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "valid"


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("envoyée")
        MORE_EVIDENCE = "more_evidence", _("compléments demandés")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, related_name="applications", verbose_name=_("badge")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    applicant_email = models.EmailField(_("e-mail"))
    applicant_name = models.CharField(_("nom"), max_length=200)
    # Lets an applicant without an account come back to their draft (magic link).
    access_token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviewed_applications"
    )
    decision_comment = models.TextField(_("commentaire de l'évaluateur"), blank=True)
    assertion = models.OneToOneField(
        Assertion, on_delete=models.SET_NULL, null=True, blank=True, related_name="application"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de badge")
        verbose_name_plural = _("demandes de badge")
        ordering = ["-updated_at"]
        constraints = [
            # One open application per person and badge, even when two starts race
            # (services.applications.application_start finds the open one).
            models.UniqueConstraint(fields=["badge_class", "applicant_email"],
                                    condition=Q(status__in=["draft", "more_evidence"]),
                                    name="one_open_application_per_person_and_badge"),
        ]
        indexes = [models.Index(fields=["badge_class", "submitted_at"], name="application_class_sent_idx")]

    def __str__(self) -> str:
        return f"{self.applicant_name} — {self.badge_class} ({self.get_status_display()})"

    def answers_in_order(self) -> list[tuple[str, str]]:
        """(question, answer) in the order the badge asks its questions: PostgreSQL's jsonb
        keeps keys in its own order (shortest first). Answers to a question removed since come last."""
        questions = self.badge_class.question_list
        ordered = [(q, self.answers[q]) for q in questions if q in self.answers]
        return ordered + [(q, a) for q, a in self.answers.items() if q not in questions]


class Evidence(models.Model):
    assertion = models.ForeignKey(Assertion, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("titre"), max_length=200, blank=True)
    narrative = models.TextField(_("description"), blank=True)
    url = models.URLField(_("lien"), blank=True)
    file = models.FileField(_("fichier"), upload_to="evidence/", blank=True)
    # The name the file had on the applicant's or mediator's device (sanitised); the
    # stored name stays ours and random.
    file_name = models.CharField(_("nom du fichier"), max_length=150, blank=True)
    genre = models.CharField(_("type de preuve"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")
        constraints = [
            models.CheckConstraint(
                condition=Q(assertion__isnull=False) | Q(application__isnull=False), name="evidence_has_an_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.url or self.narrative[:60]

    @property
    def label(self) -> str:
        """How a person tells this piece of evidence from the others in a list."""
        return self.name or self.file_label or self.url or self.narrative

    @property
    def file_label(self) -> str:
        """The file's name as the person who gave it knows it (older rows: the stored name)."""
        if not self.file:
            return ""
        return self.file_name or PurePosixPath(self.file.name).name

    def clean(self) -> None:
        if not (self.narrative or self.url or self.file):
            raise ValidationError(_("Une preuve contient un texte, un lien ou un fichier."))


class EmailAddress(models.Model):
    """A beneficiary's e-mail addresses; badges sent to any verified one show in their wallet."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_addresses")
    email = models.EmailField(_("e-mail"), unique=True)
    verified_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    primary = models.BooleanField(_("principale"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("adresse e-mail")
        verbose_name_plural = _("adresses e-mail")

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class OutgoingEmail(models.Model):
    """Every e-mail the platform sends, so failures are visible and can be resent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    to = models.EmailField(_("destinataire"))
    template = models.CharField(_("modèle"), max_length=100)
    context = models.JSONField(default=dict)
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, null=True, blank=True, related_name="emails")
    assertion = models.ForeignKey(Assertion, on_delete=models.CASCADE, null=True, blank=True, related_name="emails")
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["issuer", "-created_at"], name="email_issuer_recent_idx")]

    def __str__(self) -> str:
        return f"{self.template} → {self.to} ({self.get_status_display()})"


class IssueBatch(models.Model):
    """A group / CSV issuing job, run by a Celery worker with visible progress."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("vérifié, en attente de confirmation")
        QUEUED = "queued", _("en file d'attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échec")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    source_name = models.CharField(_("fichier"), max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    rows = models.JSONField(_("lignes valides"), default=list)
    rejected = models.JSONField(_("lignes rejetées"), default=list)
    warnings = models.JSONField(_("remarques sur le fichier"), default=list, blank=True)
    narrative = models.TextField(_("observation commune"), blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # Offsets of the chunks committed: workers issue chunks in parallel and in any
    # order, and a chunk delivered twice must not be counted twice.
    chunks_done = models.JSONField(default=list, blank=True, editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moves with every committed chunk: a queued or running batch that has not moved for
    # a few minutes lost its worker, and the sweeper queues it again.
    progressed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("délivrance groupée")
        verbose_name_plural = _("délivrances groupées")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.badge_class} — {self.source_name or self.public_id}"


class PendingTask(models.Model):
    """A Celery task that could not be queued (the broker was down) after its
    transaction committed; ``services.queueing`` queues it when the broker is back."""

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        verbose_name = _("tâche en attente")
        verbose_name_plural = _("tâches en attente")

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"


class WalletProfile(models.Model):
    """A beneficiary's opt-in public profile page."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_profile")
    slug = models.SlugField(_("adresse de ma page"), max_length=60, unique=True, null=True, blank=True)
    public = models.BooleanField(_("page publique"), default=False)
    display_name = models.CharField(_("nom affiché"), max_length=200, blank=True)
    headline = models.CharField(_("présentation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("profil public")
        verbose_name_plural = _("profils publics")

    def __str__(self) -> str:
        return self.slug or str(self.user)


class ImportedBadge(models.Model):
    """A badge issued on another platform (Open Badge Factory, Badgr, Credly…), checked by
    the verifier and kept in a wallet with its original document. It has no local
    BadgeClass, hence its own table rather than an Assertion."""

    class Source(models.TextChoices):
        PNG = "png", _("image PNG")
        SVG = "svg", _("image SVG")
        URL = "url", _("adresse web")
        JSON = "json", _("JSON")
        TOKEN = "token", _("JWT / JWS")

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_badges")
    recipient_email = models.EmailField(_("e-mail du bénéficiaire"))
    document_id = models.CharField(_("identifiant du badge"), max_length=1000)
    badge_name = models.CharField(_("nom du badge"), max_length=300)
    issuer_name = models.CharField(_("émetteur"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    image_url = models.URLField(_("image"), max_length=2000, blank=True)
    baked_file = models.FileField(_("fichier importé"), upload_to="imported/", blank=True)
    version = models.CharField(_("version"), max_length=10)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    original_document = models.JSONField(_("document d'origine"))
    original_token = models.TextField(_("jeton d'origine"), blank=True)
    issued_on = models.DateTimeField(_("délivré le"), null=True, blank=True)
    expires_on = models.DateTimeField(_("expire le"), null=True, blank=True)
    checks = models.JSONField(_("vérifications"), default=list)
    verified_status = models.CharField(_("résultat de la vérification"), max_length=20)
    verified_at = models.DateTimeField(_("vérifié le"), default=timezone.now)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Assertion.Visibility.choices, default=Assertion.Visibility.PRIVATE
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("badge importé")
        verbose_name_plural = _("badges importés")
        ordering = ["-issued_on", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "document_id"], name="import_a_badge_once_per_wallet")]

    def __str__(self) -> str:
        return f"{self.badge_name} ({self.issuer_name})"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on <= timezone.now()

    @property
    def status(self) -> str:
        if self.verified_status in ("revoked", "invalid"):
            return self.verified_status
        if self.is_expired or self.verified_status == "expired":
            return "expired"
        return "valid"


class VerificationJob(models.Model):
    """One use of the public verifier, done by a worker (fetching other servers may be slow).

    Reached only through its unguessable token, by the browser session that asked, until it
    expires (``TTL``); what was submitted is erased once verified."""

    TTL = timedelta(hours=1)

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminée")
        FAILED = "failed", _("échouée")

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(blank=True)
    file = models.BinaryField(null=True, blank=True)
    expected_email = models.EmailField(blank=True)
    report = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vérification de badge")
        verbose_name_plural = _("vérifications de badges")

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_expired(self) -> bool:
        return self.created_at + self.TTL <= timezone.now()

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


# Unambiguous: no 0/O, 1/I/L, 2/Z, 5/S, 8/B confusions when read from a screen and typed on a phone.
DESK_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
DESK_CODE_LENGTH = 8


def desk_code_digest(code: str) -> str:
    """What is stored of a short code: typed codes are compared by this digest."""
    import hashlib

    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"badgehub-desk:{cleaned}".encode()).hexdigest()


class DeskAward(models.Model):
    """A badge a mediator issued at their desk to someone with no e-mail address at hand.

    Nothing is signed yet: the person scans the QR code (the long ``token``) or types the
    short code on their own phone, and the identity the badge carries is fixed then (the
    e-mail address they give, or their new passport's page). Single use, for a few minutes.
    """

    TTL = timedelta(minutes=10)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="desk_awards")
    recipient_name = models.CharField(_("nom du bénéficiaire"), max_length=200)
    narrative = models.TextField(_("observation"), blank=True)
    issued_on = models.DateTimeField(_("délivré le"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    assertion = models.OneToOneField(Assertion, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="desk_award")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("badge remis sur place")
        verbose_name_plural = _("badges remis sur place")

    def __str__(self) -> str:
        return f"{self.badge_class} → {self.recipient_name}"

    @property
    def is_open(self) -> bool:
        return self.claimed_at is None and self.expires_at > timezone.now()


# The sub-packages' models (OB 3.0 API, wallet offers, API v1 tokens and webhooks) live with their
# code; imported here so that Django registers them with this app.
from badges.api_v1.models import ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint  # noqa: E402,F401
from badges.ob3api.models import ClientProfile, RemotePlatform  # noqa: E402,F401
from badges.wallets.models import WalletDelivery, WalletOffer  # noqa: E402,F401


class ShareOpen(models.Model):
    """How often a badge's public page was opened from one of the links its holder shared
    (LinkedIn, QR code, copied link), per day: a count, nothing about who opened it."""

    class Source(models.TextChoices):
        LINKEDIN = "linkedin", _("LinkedIn")
        QR = "qr", _("QR code")
        LINK = "lien", _("lien copié")

    assertion = models.ForeignKey(Assertion, on_delete=models.CASCADE, related_name="share_opens",
                                  verbose_name=_("badge délivré"))
    day = models.DateField(_("jour"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    opens = models.PositiveIntegerField(_("ouvertures"), default=0)

    class Meta:
        verbose_name = _("ouverture d'un badge partagé")
        verbose_name_plural = _("ouvertures de badges partagés")
        constraints = [models.UniqueConstraint(fields=["assertion", "day", "source"], name="share_open_per_day")]
        # The reports read a period of days for a set of badges.
        indexes = [models.Index(fields=["day", "assertion"], name="share_open_day_idx")]

    def __str__(self) -> str:
        return f"{self.assertion_id} {self.day} {self.source}: {self.opens}"
