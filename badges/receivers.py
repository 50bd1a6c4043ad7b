"""What badges does when another app announces something (the issuers app's key rotation),
and what its cached hosted documents do when a row they are built from changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from badges import document_cache
from badges.models import Alignment, Application, Assertion, BadgeClass, Evidence
from badges.signals import assertions_issued
from issuers.models import Issuer, SigningKey
from issuers.signals import signing_key_rotated


@receiver(signing_key_rotated)
def resign_ob2_after_rotation(sender, *, issuer_id: int, algorithm: str, **kwargs) -> None:
    if algorithm != SigningKey.Algorithm.RSA:
        return
    from badges.services.queueing import task_queue
    from badges.tasks import resign_ob2_jws

    task_queue(resign_ob2_jws, issuer_id)


# --- Hosted documents follow every write (badges/document_cache.py) ----------
# Receivers rather than calls in each service: the admin and every service write these
# models, and a cached document that outlived a change would be served as current.
# Writes through QuerySet.update() call document_cache.changed() themselves.


def _issuer_of_class(badge_class_id: int) -> int | None:
    return BadgeClass.objects.filter(pk=badge_class_id).values_list("issuer_id", flat=True).first()


@receiver([post_save, post_delete], sender=Issuer)
def issuer_changed(sender, instance: Issuer, **kwargs) -> None:
    document_cache.changed(document_cache.issuer_scope(instance.pk))


@receiver([post_save, post_delete], sender=SigningKey)
def signing_key_changed(sender, instance: SigningKey, **kwargs) -> None:
    document_cache.changed(document_cache.issuer_scope(instance.issuer_id))


@receiver([post_save, post_delete], sender=BadgeClass)
def badge_class_changed(sender, instance: BadgeClass, **kwargs) -> None:
    document_cache.changed(document_cache.issuer_scope(instance.issuer_id))


@receiver([post_save, post_delete], sender=Alignment)
def alignment_changed(sender, instance: Alignment, **kwargs) -> None:
    document_cache.changed(document_cache.issuer_scope(_issuer_of_class(instance.badge_class_id)))


@receiver([post_save, post_delete], sender=Assertion)
def assertion_changed(sender, instance: Assertion, **kwargs) -> None:
    cached = instance._state.fields_cache.get("badge_class")
    issuer_id = cached.issuer_id if cached is not None else _issuer_of_class(instance.badge_class_id)
    document_cache.changed(document_cache.assertion_scope(instance.pk), document_cache.lists_scope(issuer_id),
                           document_cache.report_scope(issuer_id))


@receiver(assertions_issued)
def assertions_bulk_issued(sender, badge_class_id: int, **kwargs) -> None:
    # A bulk issue writes its rows without save(): the issuer's reports count them now.
    document_cache.issuers_reports_changed([_issuer_of_class(badge_class_id)])


@receiver([post_save, post_delete], sender=Application)
def application_changed(sender, instance: Application, **kwargs) -> None:
    document_cache.issuers_reports_changed([_issuer_of_class(instance.badge_class_id)])


@receiver([post_save, post_delete], sender=Evidence)
def evidence_changed(sender, instance: Evidence, **kwargs) -> None:
    if instance.assertion_id:
        document_cache.changed(document_cache.assertion_scope(instance.assertion_id))
