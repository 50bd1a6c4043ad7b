"""Badges at the mediator's desk, for people with no e-mail address they can read there.

The mediator issues; nothing is signed yet. Their screen shows a QR code (a long token)
and a short code to type. On their own phone the person keeps the badge: a passport
created on the spot (an e-mail address optional) or a download at once. The identity
the badge carries is fixed at that moment, then a worker signs and bakes it as any other.
A code works once, for ``DeskAward.TTL``; guessing is bounded by ``throttle.DESK_CODE_PER_CLIENT``.
"""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from badges import document_cache, selectors
from badges.documents import absolute
from badges.models import (
    DESK_CODE_ALPHABET,
    DESK_CODE_LENGTH,
    Assertion,
    BadgeClass,
    DeskAward,
    WalletProfile,
    desk_code_digest,
)
from badges.services.issuing import _check_may_issue, assertion_issue


def desk_code_new() -> str:
    # 25^8 ≈ 1.5e11 codes, a few open at once, 10 tries per client per 10 minutes.
    return "".join(secrets.choice(DESK_CODE_ALPHABET) for _ in range(DESK_CODE_LENGTH))


def desk_code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def desk_award_create(*, badge_class: BadgeClass, recipient_name: str, issued_by: AbstractBaseUser,
                      narrative: str = "", issued_on=None) -> tuple[DeskAward, str]:
    """Record a badge to hand over at the desk; returns it and its short code (shown once)."""
    _check_may_issue(badge_class=badge_class, issued_by=issued_by, via=Assertion.Via.MEDIATOR)
    if not recipient_name.strip():
        raise ValidationError({"recipient_name": _("Indiquez le nom de la personne.")})
    code = desk_code_new()
    award = DeskAward(badge_class=badge_class, recipient_name=recipient_name.strip(), narrative=narrative.strip(),
                      issued_by=issued_by, issued_on=issued_on or timezone.now(),
                      code_digest=desk_code_digest(code), expires_at=timezone.now() + DeskAward.TTL)
    award.full_clean()
    award.save()
    return award, code


@transaction.atomic
def desk_award_renew(*, award: DeskAward) -> str:
    """A new QR code and short code (the old ones stop working), for another ``TTL``."""
    locked = DeskAward.objects.select_for_update().get(pk=award.pk)
    if locked.claimed_at is not None:
        raise ValidationError(_("Ce badge a déjà été reçu."))
    code = desk_code_new()
    locked.token = secrets.token_urlsafe(32)
    locked.code_digest = desk_code_digest(code)
    locked.expires_at = timezone.now() + DeskAward.TTL
    locked.save(update_fields=["token", "code_digest", "expires_at"])
    award.token, award.code_digest, award.expires_at = locked.token, locked.code_digest, locked.expires_at
    return code


def desk_award_for_code(*, code: str) -> DeskAward | None:
    """The open award a typed short code names, or None (used, expired or wrong)."""
    return (DeskAward.objects.filter(code_digest=desk_code_digest(code), claimed_at__isnull=True,
                                     expires_at__gt=timezone.now()).first())


def _passport_url(user: AbstractBaseUser) -> str:
    """The address of the person's passport page, created (private) if they have none."""
    profile, _created = WalletProfile.objects.get_or_create(
        user=user, defaults={"display_name": user.get_full_name()})
    if not profile.slug:
        profile.slug = f"p-{secrets.token_hex(6)}"
        profile.save(update_fields=["slug"])
    return absolute(reverse("wallet:profile", kwargs={"slug": profile.slug}))


@transaction.atomic
def desk_award_claim(*, award: DeskAward, user: AbstractBaseUser | None = None, email: str = "") -> Assertion:
    """Issue the badge with the identity given now: the account's verified (or just given)
    e-mail address, else its passport page; without an account, the e-mail given.

    Works once: a second claim, even at the same time, is refused.
    """
    locked = DeskAward.objects.select_for_update(of=("self",)).select_related("badge_class__issuer", "issued_by").get(
        pk=award.pk)
    if locked.claimed_at is not None or locked.expires_at <= timezone.now():
        raise ValidationError(_("Ce code a déjà servi ou a expiré : demandez-en un nouveau au médiateur."))
    email = email.strip().lower()
    url = ""
    if user is not None and not email:
        emails = selectors.user_verified_emails(user=user)
        email = emails[0] if emails else ""
        url = "" if email else _passport_url(user)
    if not email and not url:
        raise ValidationError({"email": _("Indiquez une adresse e-mail, ou créez votre passeport sur place.")})
    assertion = assertion_issue(
        badge_class=locked.badge_class, recipient_email=email, recipient_url=url,
        recipient_name=locked.recipient_name, issued_by=locked.issued_by, via=Assertion.Via.MEDIATOR,
        narrative=locked.narrative, issued_on=locked.issued_on, idempotency_key=f"desk:{locked.public_id}",
        # Without an account, the award e-mail lets them keep it in a passport later.
        notify=user is None,
    )
    now = timezone.now()
    if user is not None:
        Assertion.objects.filter(pk=assertion.pk).update(recipient_user=user, claimed_at=now)
        assertion.recipient_user, assertion.claimed_at = user, now
        document_cache.issuers_reports_changed([locked.badge_class.issuer_id])  # written without save()
    locked.claimed_at, locked.assertion = now, assertion
    locked.save(update_fields=["claimed_at", "assertion"])
    award.claimed_at, award.assertion = now, assertion
    return assertion
