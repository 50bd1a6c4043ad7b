"""Offers to take a badge into a wallet, and what each wallet received."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def digest(secret: str) -> str:
    """Offer secrets (exchange ids, pre-authorized codes, access tokens) are stored hashed."""
    return hashlib.sha256(secret.encode()).hexdigest()


class WalletOfferQuerySet(models.QuerySet):
    def live(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class WalletOffer(models.Model):
    """One way for one wallet to fetch one badge, started by its owner: single use, minutes long."""

    class Protocol(models.TextChoices):
        LCW = "lcw", _("Learner Credential Wallet (VC-API)")
        OID4VCI = "oid4vci", _("OpenID4VCI")

    assertion = models.ForeignKey("badges.Assertion", on_delete=models.CASCADE, related_name="wallet_offers")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    protocol = models.CharField(max_length=10, choices=Protocol.choices)
    # LCW: the exchange id in the exchange URL. OID4VCI: the pre-authorized code.
    secret_hash = models.CharField(max_length=64, unique=True)
    # LCW: the DID Authentication challenge (not a secret: it is in the request).
    challenge = models.CharField(max_length=64, blank=True)
    tx_code_hash = models.CharField(max_length=64, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    access_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = WalletOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre de portefeuille")
        verbose_name_plural = _("offres de portefeuille")

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} — {self.assertion_id}"

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class WalletDelivery(models.Model):
    """Which holder DID received which badge, when, how: the record the issuer keeps."""

    assertion = models.ForeignKey("badges.Assertion", on_delete=models.CASCADE, related_name="wallet_deliveries")
    offer = models.OneToOneField(WalletOffer, on_delete=models.SET_NULL, null=True, related_name="delivery")
    holder_id = models.CharField(_("identifiant du porteur"), max_length=2000)
    protocol = models.CharField(max_length=10, choices=WalletOffer.Protocol.choices)
    format = models.CharField(max_length=20)
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("badge remis à un portefeuille")
        verbose_name_plural = _("badges remis à des portefeuilles")
        ordering = ["-delivered_at"]

    def __str__(self) -> str:
        return f"{self.assertion_id} → {self.holder_id[:60]}"
