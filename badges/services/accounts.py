from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.models import Assertion, EmailAddress


@transaction.atomic
def email_address_add(*, user: AbstractBaseUser, email: str, verified: bool = False) -> EmailAddress:
    address, _created = EmailAddress.objects.get_or_create(
        email=email.strip().lower(), defaults={"user": user, "primary": not user.email_addresses.exists()}
    )
    if address.user_id != user.pk:
        raise ValidationError({"email": _("Cette adresse appartient déjà à un autre compte.")})
    if verified and address.verified_at is None:
        address.verified_at = timezone.now()
        address.save(update_fields=["verified_at"])
        # Badges already sent to this address become the person's.
        Assertion.objects.filter(recipient_email=address.email, recipient_user__isnull=True).update(recipient_user=user)
    return address
