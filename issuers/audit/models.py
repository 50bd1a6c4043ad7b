"""The audit log: an append-only record of what changed who holds a badge, who may act
for an issuer and what its keys sign. Rows are only ever added (services write them in
the transaction of the change they record); PostgreSQL refuses UPDATE and DELETE on the
table (migration 0001), and the model refuses them too."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are never changed.")

    def delete(self):
        raise AppendOnlyError("Audit events are never deleted.")

    def for_issuer(self, issuer) -> "AuditEventQuerySet":
        return self.filter(issuer=issuer)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        ASSERTION_ISSUED = "assertion_issued", _("badge délivré")
        ASSERTIONS_ISSUED = "assertions_issued", _("badges délivrés en groupe")
        BATCH_STARTED = "batch_started", _("délivrance d'un fichier CSV lancée")
        ASSERTION_REVOKED = "assertion_revoked", _("badge révoqué")
        ASSERTION_CORRECTED = "assertion_corrected", _("badge corrigé")
        MEMBERSHIP_ADDED = "membership_added", _("membre ajouté")
        MEMBERSHIP_CHANGED = "membership_changed", _("rôle modifié")
        MEMBERSHIP_REMOVED = "membership_removed", _("membre retiré")
        SIGNING_KEY_ROTATED = "signing_key_rotated", _("clé de signature renouvelée")
        SIGNING_KEY_COMPROMISED = "signing_key_compromised", _("clé de signature déclarée compromise")
        ENDORSER_KEY_ROTATED = "endorser_key_rotated", _("clé d'une organisation qui recommande renouvelée")
        ENDORSER_KEY_COMPROMISED = "endorser_key_compromised", _(
            "clé d'une organisation qui recommande déclarée compromise")
        ENDORSEMENT_PUBLISHED = "endorsement_published", _("recommandation publiée")
        ENDORSEMENT_WITHDRAWN = "endorsement_withdrawn", _("recommandation retirée")
        API_TOKEN_CREATED = "api_token_created", _("jeton d'API créé")
        API_TOKEN_REVOKED = "api_token_revoked", _("jeton d'API révoqué")
        WEBHOOK_CREATED = "webhook_created", _("webhook ajouté")
        WEBHOOK_DELETED = "webhook_deleted", _("webhook supprimé")
        WEBHOOK_DISABLED = "webhook_disabled", _("webhook désactivé après 24 h d'échecs")

    occurred_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # No database constraint on the references: the record outlives what it names
    # (a deleted account or issuer), and its name is kept beside the id.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_name = models.CharField(_("par (nom)"), max_length=300, blank=True)
    issuer = models.ForeignKey("issuers.Issuer", verbose_name=_("émetteur"), null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    object_type = models.CharField(_("type d'objet"), max_length=40)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64)
    object_label = models.CharField(_("objet"), max_length=400, blank=True)
    count = models.PositiveIntegerField(_("nombre"), default=1,
                                        help_text=_("Nombre d'objets concernés (délivrance en groupe)."))
    details = models.JSONField(_("détails"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement du journal")
        verbose_name_plural = _("journal")
        # The table keeps the name it was created with (its append-only trigger names it).
        db_table = "audit_auditevent"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["issuer", "-occurred_at"], name="audit_issuer_recent")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_action_display()} — {self.object_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are never deleted.")
