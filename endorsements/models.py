import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.models import Assertion, BadgeClass, new_token
from issuers.models import Issuer


def default_invitation_expiry():
    return timezone.now() + timedelta(days=30)


class Endorser(models.Model):
    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("organisation"), max_length=200)
    url = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail"))
    description = models.TextField(_("présentation"), blank=True)
    image = models.FileField(_("logo"), upload_to="endorsers/", blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="endorsers",
                                     verbose_name=_("membres"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation qui recommande")
        verbose_name_plural = _("organisations qui recommandent")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("endorsements:endorser_detail", kwargs={"public_id": self.public_id})


class EndorserKey(models.Model):
    """The Ed25519 key an endorser signs its EndorsementCredentials with. The
    platform holds it for the organisation, encrypted like the issuers' keys
    (issuers.keystore); its Multikey document names the endorser as controller.

    A model of its own rather than SigningKey: signing keys belong to issuers, and
    issuers must not depend on endorsements."""

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    endorser = models.ForeignKey(Endorser, on_delete=models.CASCADE, related_name="keys",
                                 verbose_name=_("organisation"))
    public_key_pem = models.TextField(_("clé publique (PEM)"))
    # Fernet token of the PEM private key; see issuers.keystore.
    private_key_encrypted = models.BinaryField(_("clé privée chiffrée"), editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    retired_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    revoked_at = models.DateTimeField(
        _("compromise le"), null=True, blank=True,
        help_text=_("Les recommandations signées par cette clé après cette date ne sont plus vérifiées."),
    )
    revocation_reason = models.CharField(_("motif"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("clé de l'organisation")
        verbose_name_plural = _("clés de l'organisation")
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.endorser} — Ed25519 — {self.created_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.retired_at is None and self.revoked_at is None


class TargetMixin(models.Model):
    """Exactly one of a badge class, an issuer or an assertion."""

    badge_class = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="%(class)ss", verbose_name=_("badge"))
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="%(class)ss", verbose_name=_("émetteur"))
    assertion = models.ForeignKey(Assertion, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="%(class)ss", verbose_name=_("badge délivré"))

    class Meta:
        abstract = True

    @property
    def target(self):
        return self.badge_class or self.issuer or self.assertion

    def clean(self) -> None:
        if sum(x is not None for x in (self.badge_class_id, self.issuer_id, self.assertion_id)) != 1:
            raise ValidationError(_("Choisissez une seule cible : un badge, un émetteur ou un badge délivré."))


def _one_target(name: str) -> models.CheckConstraint:
    has = [Q(**{f"{field}__isnull": False}) for field in ("badge_class", "issuer", "assertion")]
    hasnt = [Q(**{f"{field}__isnull": True}) for field in ("badge_class", "issuer", "assertion")]
    return models.CheckConstraint(
        condition=(has[0] & hasnt[1] & hasnt[2]) | (hasnt[0] & has[1] & hasnt[2]) | (hasnt[0] & hasnt[1] & has[2]),
        name=name,
    )


class EndorsementInvitation(TargetMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail invité"))
    organisation_name = models.CharField(_("organisation invitée"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("invité par"))
    endorser = models.ForeignKey(Endorser, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="invitations")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"), default=default_invitation_expiry)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation à recommander")
        verbose_name_plural = _("invitations à recommander")
        ordering = ["-created_at"]
        constraints = [_one_target("invitation_has_one_target")]

    def __str__(self) -> str:
        return f"{self.organisation_name} <{self.email}> → {self.target}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        """pending, accepted, expired or withdrawn, for the issuer's list."""
        if self.accepted_at is not None:
            endorsement = getattr(self, "endorsement", None)
            return "withdrawn" if endorsement is not None and endorsement.withdrawn_at else "accepted"
        return "expired" if self.is_expired else "pending"


class EndorsementQuerySet(models.QuerySet):
    def published(self) -> "EndorsementQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Endorsement(TargetMixin):
    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    endorser = models.ForeignKey(Endorser, on_delete=models.CASCADE, related_name="endorsements",
                                 verbose_name=_("organisation"))
    # One endorsement per invitation: accepting the same link twice returns it.
    invitation = models.OneToOneField(EndorsementInvitation, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="endorsement", verbose_name=_("invitation"))
    statement = models.TextField(_("déclaration"), help_text=_("« Nous apprécions ce badge… »"))
    created_at = models.DateTimeField(_("publiée le"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    # The OB 3.0 EndorsementCredential, signed once when published and embedded
    # as is in the badges signed while it stays published.
    ob3_credential = models.JSONField(null=True, blank=True, editable=False)

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommandation")
        verbose_name_plural = _("recommandations")
        ordering = ["-created_at"]
        constraints = [_one_target("endorsement_has_one_target")]

    def __str__(self) -> str:
        return f"{self.endorser} → {self.target}"
