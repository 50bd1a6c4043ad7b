"""What badges does when another app announces something (the issuers app's key rotation)."""

from django.dispatch import receiver

from issuers.models import SigningKey
from issuers.signals import signing_key_rotated


@receiver(signing_key_rotated)
def resign_ob2_after_rotation(sender, *, issuer_id: int, algorithm: str, **kwargs) -> None:
    if algorithm != SigningKey.Algorithm.RSA:
        return
    from badges.services.queueing import task_queue
    from badges.tasks import resign_ob2_jws

    task_queue(resign_ob2_jws, issuer_id)
