"""Cached hosted documents follow every write to endorsers, their keys and endorsements
(see badges/document_cache.py): the endorser's own documents, and the issuer's documents
that list or embed the endorsement (BadgeClass, Profile, the badge page)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from badges import document_cache
from badges.models import Assertion, BadgeClass
from endorsements.models import Endorsement, Endorser, EndorserKey


def _target_scopes(endorsement: Endorsement) -> list[str]:
    if endorsement.issuer_id:
        return [document_cache.issuer_scope(endorsement.issuer_id)]
    if endorsement.badge_class_id:
        issuer_id = BadgeClass.objects.filter(pk=endorsement.badge_class_id).values_list("issuer_id", flat=True).first()
        return [document_cache.issuer_scope(issuer_id)]
    issuer_id = Assertion.objects.filter(pk=endorsement.assertion_id).values_list(
        "badge_class__issuer_id", flat=True).first()
    return [document_cache.issuer_scope(issuer_id), document_cache.assertion_scope(endorsement.assertion_id)]


@receiver([post_save, post_delete], sender=Endorsement)
def endorsement_changed(sender, instance: Endorsement, **kwargs) -> None:
    document_cache.changed(document_cache.endorser_scope(instance.endorser_id), *_target_scopes(instance))


@receiver([post_save, post_delete], sender=Endorser)
def endorser_changed(sender, instance: Endorser, **kwargs) -> None:
    document_cache.changed(document_cache.endorser_scope(instance.pk))


@receiver([post_save, post_delete], sender=EndorserKey)
def endorser_key_changed(sender, instance: EndorserKey, **kwargs) -> None:
    document_cache.changed(document_cache.endorser_scope(instance.endorser_id))
