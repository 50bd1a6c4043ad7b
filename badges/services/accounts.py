"""Beneficiary accounts: sign-up, e-mail addresses, magic sign-in links, deletion.

Links sent by e-mail are signed with ``TimestampSigner`` (no table to clean up).
A sign-in link carries the account's ``last_login``: signing in changes it, so
the link works once.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from badges import document_cache
from badges.models import Assertion, EmailAddress
from badges.services.emails import email_queue

LOGIN_LINK_SALT = "badges.accounts.login-link"
LOGIN_LINK_MAX_AGE = 30 * 60
VERIFY_LINK_SALT = "badges.accounts.verify-email"
VERIFY_LINK_MAX_AGE = 7 * 24 * 3600


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


@transaction.atomic
def account_create(*, name: str, email: str, password: str, email_verified: bool = False) -> AbstractBaseUser:
    """Create a beneficiary account. Unless the address is already proven (a claim
    link), a verification link is e-mailed."""
    User = get_user_model()
    email = email.strip().lower()
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Indiquez votre nom.")})
    if EmailAddress.objects.filter(email=email).exists() or User.objects.filter(username=email).exists():
        raise ValidationError({"email": _("Un compte existe déjà avec cette adresse. Connectez-vous.")})
    user = User(username=email, email=email, first_name=name[:150])
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two sign-ups with the same address at once: the second one loses.
        raise ValidationError({"email": _("Un compte existe déjà avec cette adresse. Connectez-vous.")})
    address = email_address_add(user=user, email=email, verified=email_verified)
    if not email_verified:
        email_verification_send(address=address)
    return user


@transaction.atomic
def account_create_on_the_spot(*, name: str, password: str, email: str = "") -> AbstractBaseUser:
    """A passport created at a mediator's desk. With an e-mail address, as ``account_create``
    (a link verifies it); without one, the person signs in with the identifier we give
    them (``passeport-…``) and may add an address later."""
    if email.strip():
        return account_create(name=name, email=email, password=password)
    User = get_user_model()
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Indiquez votre nom.")})
    alphabet = "acdefghjkmnpqrtuvwxy34679"
    for _attempt in range(5):
        username = "passeport-" + "".join(secrets.choice(alphabet) for _ in range(8))
        if not User.objects.filter(username=username).exists():
            break
    user = User(username=username, email="", first_name=name[:150])
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def email_verification_send(*, address: EmailAddress) -> None:
    token = signing.TimestampSigner(salt=VERIFY_LINK_SALT).sign_object({"u": address.user_id, "e": address.email})
    email_queue(
        to=address.email,
        template="verify_email",
        context={"path": reverse("accounts:verify_email", kwargs={"token": token}),
                 "name": address.user.first_name},
    )


@transaction.atomic
def email_verification_confirm(*, token: str) -> EmailAddress:
    """The link proves the person reads this mailbox: verify it for the account it was added to."""
    try:
        payload = signing.TimestampSigner(salt=VERIFY_LINK_SALT).unsign_object(token, max_age=VERIFY_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("Ce lien a expiré. Ajoutez l'adresse à nouveau pour recevoir un nouveau lien."))
    except signing.BadSignature:
        raise ValidationError(_("Ce lien n'est pas valide."))
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        raise ValidationError(_("Ce lien n'est pas valide."))
    return email_address_add(user=user, email=payload["e"], verified=True)


@transaction.atomic
def email_address_request(*, user: AbstractBaseUser, email: str) -> EmailAddress:
    """Add a further address to an account and send it a verification link."""
    address = email_address_add(user=user, email=email)
    if address.verified_at is None:
        email_verification_send(address=address)
    return address


@transaction.atomic
def email_address_remove(*, user: AbstractBaseUser, address: EmailAddress) -> None:
    if address.user_id != user.pk:
        raise ValidationError(_("Cette adresse n'est pas la vôtre."))
    if user.email_addresses.filter(verified_at__isnull=False).exclude(pk=address.pk).count() == 0:
        raise ValidationError(_("Gardez au moins une adresse vérifiée pour vous connecter."))
    # Badges sent to the address leave the wallet with it.
    Assertion.objects.filter(recipient_user=user, recipient_email=address.email).update(recipient_user=None)
    address.delete()


def _login_token(address: EmailAddress) -> str:
    last_login = address.user.last_login.isoformat() if address.user.last_login else ""
    return signing.TimestampSigner(salt=LOGIN_LINK_SALT).sign_object({"a": address.pk, "l": last_login})


def login_link_send(*, email: str, next_url: str = "") -> bool:
    """E-mail a sign-in link if an account has this address, or else an invitation to create
    one (people often forget which address they used). Returns whether a sign-in link was
    sent; views must not tell the visitor (no account enumeration)."""
    from urllib.parse import urlencode

    email = email.strip().lower()
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    address = EmailAddress.objects.select_related("user").filter(email=email).first()
    if address is None:
        email_queue(to=email, template="login_no_account", context={"path": reverse("accounts:signup") + query})
        return False
    if not address.user.is_active:
        return False
    path = reverse("accounts:login_link", kwargs={"token": _login_token(address)}) + query
    email_queue(to=address.email, template="login_link", context={"path": path, "name": address.user.first_name})
    return True


@transaction.atomic
def login_link_use(*, token: str) -> AbstractBaseUser:
    """The account a sign-in link opens. The link also verifies its address.
    The caller logs the user in, which changes ``last_login`` and spends the link."""
    invalid = ValidationError(_("Ce lien de connexion n'est plus valable. Demandez-en un nouveau."))
    try:
        payload = signing.TimestampSigner(salt=LOGIN_LINK_SALT).unsign_object(token, max_age=LOGIN_LINK_MAX_AGE)
    except signing.BadSignature:
        raise invalid
    address = (
        EmailAddress.objects.select_for_update().select_related("user")
        .filter(pk=payload["a"], user__is_active=True).first()
    )
    if address is None:
        raise invalid
    user = get_user_model().objects.select_for_update().get(pk=address.user_id)
    current = user.last_login.isoformat() if user.last_login else ""
    if current != payload["l"]:
        raise invalid
    email_address_add(user=user, email=address.email, verified=True)
    # Spend the link now, whatever the caller does next.
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return user


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Remove the person's wallet. The assertions stay in the issuer's records and
    keep verifying; they become private and no longer point to the account."""
    emails = list(user.email_addresses.filter(verified_at__isnull=False).values_list("email", flat=True))
    theirs = Assertion.objects.filter(Q(recipient_user=user) | Q(recipient_email__in=emails))
    pks = list(theirs.values_list("pk", flat=True))
    theirs.update(recipient_user=None, visibility=Assertion.Visibility.PRIVATE)
    # Written without save(): their cached public pages must stop being served at once.
    document_cache.changed(*(document_cache.assertion_scope(pk) for pk in pks))
    document_cache.issuers_reports_changed(set(Assertion.objects.filter(pk__in=pks).values_list(
        "badge_class__issuer_id", flat=True)))
    user.delete()
