"""API tokens and webhook endpoints of an issuer (registered by ``badges.models``)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issuers.models import Issuer


class Scope(models.TextChoices):
    READ = "read", _("lire (badges, badges délivrés, parcours)")
    ISSUE = "issue", _("délivrer")
    REVOKE = "revoke", _("révoquer")
    APPLICATIONS = "applications", _("demandes : lire et décider")


class Event(models.TextChoices):
    ASSERTION_ISSUED = "assertion.issued", _("badge délivré")
    ASSERTION_CLAIMED = "assertion.claimed", _("badge réclamé par la personne")
    ASSERTION_REVOKED = "assertion.revoked", _("badge révoqué")
    ASSERTION_MADE_PUBLIC = "assertion.made_public", _("badge rendu public")
    APPLICATION_SUBMITTED = "application.submitted", _("demande envoyée")
    APPLICATION_DECIDED = "application.decided", _("demande décidée")
    ENDORSEMENT_PUBLISHED = "endorsement.published", _("recommandation publiée")


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now()))


class ApiToken(models.Model):
    """A secret that lets a partner's tool act for its issuer, within its scopes, as the
    person who created it (their habilitations apply). Only a digest is kept: the token
    is shown once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="api_tokens",
                               verbose_name=_("émetteur"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                                   verbose_name=_("créé par"))
    name = models.CharField(_("nom"), max_length=100)
    # The token reads bh_<prefix>_<secret>: the prefix finds the row, the digest checks the rest.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("droits"), default=list)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class WebhookEndpoint(models.Model):
    """An address of the issuer's own system told about the events it chose, by signed POSTs."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="webhook_endpoints",
                               verbose_name=_("émetteur"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    url = models.URLField(_("adresse (URL)"), max_length=500)
    events = models.JSONField(_("événements"), default=list)
    # The signing secret, wrapped under the key-encryption key like the signing keys.
    secret_encrypted = models.BinaryField(editable=False)
    active = models.BooleanField(_("actif"), default=True)
    # Set at the first failure after a success; 24 h of failures disable the endpoint.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(_("désactivé le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, tried until delivered or 24 h have passed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        DELIVERED = "delivered", _("remis")
        FAILED = "failed", _("abandonné")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("événement"), max_length=40, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(_("remis le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi de webhook")
        verbose_name_plural = _("envois de webhook")
        ordering = ["-created_at", "-id"]


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
