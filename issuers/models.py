import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IssuerQuerySet(models.QuerySet):
    def for_user(self, user, roles: tuple[str, ...] | None = None) -> "IssuerQuerySet":
        """Issuers where ``user`` holds one of ``roles`` (any role when None)."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("issuer_id"))


class Issuer(models.Model):
    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    url = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail de contact"))
    description = models.TextField(_("description"), blank=True)
    image = models.FileField(_("logo"), upload_to="issuers/", blank=True)
    territory = models.CharField(_("territoire"), max_length=200, blank=True)
    co_creators = models.CharField(
        _("co-créateurs"),
        max_length=300,
        blank=True,
        help_text=_("Partenaires qui ont conçu les badges avec l'émetteur."),
    )
    # Where the structure is: the activity reports count badges by commune and département.
    commune_insee = models.CharField(
        _("code INSEE de la commune"), max_length=5, blank=True,
        validators=[RegexValidator(r"^(\d{5}|2[AB]\d{3})$", _("Un code INSEE a 5 caractères, par ex. 70550."))],
        help_text=_("Commune de la structure (code officiel géographique), par ex. 70550 pour Vesoul."),
    )
    departement = models.CharField(
        _("département"), max_length=3, blank=True,
        validators=[RegexValidator(r"^(\d{2}|2[AB]|97\d)$", _("Un code de département : 70, 2A, 974…"))],
        help_text=_("Déduit du code INSEE s'il est vide."),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    objects = IssuerQuerySet.as_manager()

    class Meta:
        verbose_name = _("émetteur")
        verbose_name_plural = _("émetteurs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("issuers:detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        if self.commune_insee and not self.departement:
            self.departement = departement_of(self.commune_insee)


def departement_of(commune_insee: str) -> str:
    """The département of a commune's INSEE code: 70550 → 70, 2A004 → 2A, 97411 → 974."""
    return commune_insee[:3] if commune_insee.startswith("97") else commune_insee[:2]


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("propriétaire")
        ADMIN = "admin", _("administrateur")
        MEDIATOR = "mediator", _("médiateur")
        REVIEWER = "reviewer", _("évaluateur")

    # Roles that may issue badges in the issuer's name.
    ISSUING_ROLES = (Role.OWNER, Role.ADMIN, Role.MEDIATOR)
    # Roles that manage the issuer: revoke, resend e-mails, see everything.
    STAFF_ROLES = (Role.OWNER, Role.ADMIN)
    REVIEWING_ROLES = (Role.OWNER, Role.ADMIN, Role.REVIEWER)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [models.UniqueConstraint(fields=["user", "issuer"], name="one_membership_per_user_and_issuer")]

    def __str__(self) -> str:
        return f"{self.user} — {self.issuer} ({self.get_role_display()})"


class SigningKey(models.Model):
    class Algorithm(models.TextChoices):
        ED25519 = "Ed25519", "Ed25519 (OB 3.0, VC-JWT EdDSA)"
        RSA = "RS256", "RSA-2048 (OB 2.0 JWS RS256)"

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="signing_keys")
    algorithm = models.CharField(_("algorithme"), max_length=10, choices=Algorithm.choices)
    public_key_pem = models.TextField(_("clé publique (PEM)"))
    # Fernet token of the PEM private key; see issuers.keystore.
    private_key_encrypted = models.BinaryField(_("clé privée chiffrée"), editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    retired_at = models.DateTimeField(
        _("retirée le"), null=True, blank=True, help_text=_("Une clé retirée ne signe plus mais vérifie toujours.")
    )
    revoked_at = models.DateTimeField(
        _("compromise le"),
        null=True,
        blank=True,
        help_text=_("Les badges signés par cette clé après cette date ne sont plus valides."),
    )
    revocation_reason = models.CharField(_("motif"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("clé de signature")
        verbose_name_plural = _("clés de signature")
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.issuer} — {self.algorithm} — {self.created_at:%Y-%m-%d}"


class Network(models.Model):
    """A group of issuers (a trust network) whose coordinators read every member's
    activity report, side by side and summed. Built in the Django admin."""

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200, unique=True)
    issuers = models.ManyToManyField(Issuer, related_name="networks", verbose_name=_("émetteurs"), blank=True)
    admins = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="administered_networks", blank=True,
                                    verbose_name=_("administrateurs du réseau"))
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The audit log lives in issuers/audit/ (one record per issuer); its model belongs to this app.
from issuers.audit.models import AuditEvent  # noqa: E402,F401
