import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.models import Assertion, BadgeClass
from issuers.models import Issuer


class Pathway(models.Model):
    class CompletionRule(models.TextChoices):
        ALL = "all", _("toutes les étapes")
        AT_LEAST = "at_least", _("au moins N étapes")

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("émetteur"))
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    key_badge = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, null=True, blank=True, related_name="key_of_pathways",
        verbose_name=_("badge-clé"), help_text=_("Délivré automatiquement quand le parcours est complété."),
    )
    completion_rule = models.CharField(
        _("règle de complétion"), max_length=10, choices=CompletionRule.choices, default=CompletionRule.ALL
    )
    min_steps = models.PositiveIntegerField(_("nombre d'étapes minimum"), null=True, blank=True)
    position = models.PositiveIntegerField(_("ordre d'affichage"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["issuer__name", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["issuer", "name"], name="unique_pathway_name_per_issuer")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("pathways:detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        if self.completion_rule == self.CompletionRule.AT_LEAST and not self.min_steps:
            raise ValidationError({"min_steps": _("Indiquez le nombre d'étapes à valider.")})
        if self.key_badge_id and self.key_badge.issuer_id != self.issuer_id:
            raise ValidationError({"key_badge": _("Le badge-clé doit appartenir au même émetteur.")})
        if self.key_badge_id and self.pk and self.steps.filter(badge_class_id=self.key_badge_id).exists():
            raise ValidationError({"key_badge": _(
                "Le badge-clé récompense les étapes : il ne peut pas être lui-même une étape du parcours.")})


class PathwayStep(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="pathway_steps",
                                    verbose_name=_("badge"))
    order = models.PositiveIntegerField(_("ordre"), default=0)
    min_delay_days = models.PositiveIntegerField(
        _("délai minimum (jours)"), default=0, help_text=_("Depuis l'entrée dans le parcours.")
    )
    condition = models.TextField(_("condition à confirmer"), blank=True)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["pathway", "order"]
        constraints = [models.UniqueConstraint(fields=["pathway", "badge_class"], name="one_step_per_badge")]

    def __str__(self) -> str:
        return f"{self.order}. {self.badge_class}"


class Enrolment(models.Model):
    """A person's progress in a pathway; time-based steps count from ``started_on``."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="enrolments")
    recipient_email = models.EmailField(_("e-mail"))
    recipient_name = models.CharField(_("nom"), max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="enrolments")
    started_on = models.DateTimeField(_("début"), default=timezone.now)
    completed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    key_assertion = models.ForeignKey(Assertion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("inscription à un parcours")
        verbose_name_plural = _("inscriptions à un parcours")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "recipient_email"], name="one_enrolment_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_email} — {self.pathway}"
