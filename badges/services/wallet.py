"""The beneficiary's side of an assertion: claim or decline it, choose what is public, the public profile."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges import selectors
from badges.models import Assertion, EmailAddress, WalletProfile
from badges.services.accounts import email_address_add


@transaction.atomic
def assertion_claim(*, assertion: Assertion, user: AbstractBaseUser) -> Assertion:
    """Add a badge to ``user``'s wallet through its claim link.

    The link was sent to the recipient address, so following it proves that
    address: it is verified for the account. The conditional update makes the
    link work once even when two requests race.
    """
    owner = selectors.user_for_email(email=assertion.recipient_email)
    if owner is not None and owner.pk != user.pk:
        raise ValidationError(
            _("Ce badge a été envoyé à une adresse liée à un autre compte. Connectez-vous avec ce compte.")
        )
    existing = EmailAddress.objects.filter(email=assertion.recipient_email).exclude(user=user).first()
    if existing is not None:
        raise ValidationError(
            _("Ce badge a été envoyé à une adresse liée à un autre compte. Connectez-vous avec ce compte.")
        )
    now = timezone.now()
    claimed = Assertion.objects.filter(
        pk=assertion.pk, claimed_at__isnull=True, declined_at__isnull=True
    ).update(claimed_at=now, recipient_user=user)
    if not claimed:
        raise ValidationError(_("Ce lien a déjà été utilisé."))
    email_address_add(user=user, email=assertion.recipient_email, verified=True)
    assertion.refresh_from_db()
    return assertion


@transaction.atomic
def assertion_decline(*, assertion: Assertion) -> Assertion:
    """The recipient does not want this badge: it is not added to any wallet and the link stops working."""
    declined = Assertion.objects.filter(
        pk=assertion.pk, claimed_at__isnull=True, declined_at__isnull=True
    ).update(declined_at=timezone.now())
    if not declined:
        raise ValidationError(_("Ce lien a déjà été utilisé."))
    assertion.refresh_from_db()
    return assertion


def _check_owner(*, assertion: Assertion, user: AbstractBaseUser) -> None:
    if not selectors.user_owns_assertion(user=user, assertion=assertion):
        raise PermissionDenied


@transaction.atomic
def assertion_set_visibility(*, assertion: Assertion, user: AbstractBaseUser, public: bool) -> Assertion:
    _check_owner(assertion=assertion, user=user)
    assertion.visibility = Assertion.Visibility.PUBLIC if public else Assertion.Visibility.PRIVATE
    fields = ["visibility"]
    if assertion.recipient_user_id is None:
        # Sent to a verified address of the owner but never claimed: acting on it claims it.
        assertion.recipient_user = user
        assertion.claimed_at = assertion.claimed_at or timezone.now()
        fields += ["recipient_user", "claimed_at"]
    assertion.full_clean()
    assertion.save(update_fields=fields)
    return assertion


@transaction.atomic
def assertion_set_shown_details(
    *, assertion: Assertion, user: AbstractBaseUser, show_evidence: bool, show_narrative: bool
) -> Assertion:
    _check_owner(assertion=assertion, user=user)
    assertion.show_evidence = show_evidence
    assertion.show_narrative = show_narrative
    assertion.full_clean()
    assertion.save(update_fields=["show_evidence", "show_narrative"])
    return assertion


@transaction.atomic
def wallet_profile_update(
    *, user: AbstractBaseUser, public: bool, slug: str | None, display_name: str, headline: str
) -> WalletProfile:
    profile, _created = WalletProfile.objects.select_for_update().get_or_create(user=user)
    profile.slug = (slug or "").strip().lower() or None
    if public and not profile.slug:
        raise ValidationError({"slug": _("Choisissez l'adresse de votre page pour la rendre publique.")})
    profile.public = public
    profile.display_name = display_name.strip()
    profile.headline = headline.strip()
    profile.full_clean()
    profile.save()
    return profile
