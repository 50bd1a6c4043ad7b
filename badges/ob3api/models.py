"""What the OB 3.0 API keeps beyond django-oauth-toolkit's own tables."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClientProfile(models.Model):
    """The RFC 7591 metadata an application registered with, next to DOT's Application:
    what the authorization page shows and which scopes it may ever ask for."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="ob3_profile",
    )
    client_uri = models.URLField(_("site de l'application"), max_length=500, blank=True)
    logo_uri = models.URLField(_("logo"), max_length=500, blank=True)
    tos_uri = models.URLField(_("conditions d'utilisation"), max_length=500, blank=True)
    policy_uri = models.URLField(_("politique de confidentialité"), max_length=500, blank=True)
    software_id = models.CharField(max_length=200, blank=True)
    software_version = models.CharField(max_length=100, blank=True)
    scope = models.TextField(_("autorisations possibles"))
    registered_from = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        app_label = "badges"
        verbose_name = _("application enregistrée (OB 3.0)")
        verbose_name_plural = _("applications enregistrées (OB 3.0)")

    def __str__(self) -> str:
        return self.application.name

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()


class RemotePlatform(models.Model):
    """Another Open Badges 3.0 host we registered with as a client (one registration per
    host, shared by everyone who sends a badge there). Its secret is encrypted at rest."""

    discovery_url = models.URLField(_("adresse de découverte"), max_length=500, unique=True)
    name = models.CharField(_("nom"), max_length=200, blank=True)
    authorization_url = models.URLField(max_length=500)
    token_url = models.URLField(max_length=500)
    credentials_url = models.URLField(max_length=500)
    redirect_uri = models.URLField(max_length=500)
    client_id = models.CharField(max_length=500)
    client_secret = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        app_label = "badges"
        verbose_name = _("plateforme Open Badges 3.0")
        verbose_name_plural = _("plateformes Open Badges 3.0")

    def __str__(self) -> str:
        return self.name or self.discovery_url
