from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

from badges.models import Assertion, BadgeClass, EmailAddress
from issuers.models import Membership


def user_verified_emails(*, user: AbstractBaseUser) -> list[str]:
    if not user.is_authenticated:
        return []
    return list(EmailAddress.objects.filter(user=user, verified_at__isnull=False).values_list("email", flat=True))


def user_for_email(*, email: str) -> AbstractBaseUser | None:
    """The account that verified ``email``, if any."""
    return get_user_model().objects.filter(
        email_addresses__email=email.strip().lower(), email_addresses__verified_at__isnull=False
    ).first()


def user_holds_badge(*, user: AbstractBaseUser, badge_class: BadgeClass) -> bool:
    emails = user_verified_emails(user=user)
    return Assertion.objects.valid().filter(badge_class=badge_class, recipient_email__in=emails).exists()


def user_can_issue(*, user: AbstractBaseUser | None, badge_class: BadgeClass) -> bool:
    """A member with an issuing role in the badge's issuer, holding the
    habilitation badge when the badge class requires one."""
    if user is None or not user.is_authenticated:
        return False
    roles = Membership.STAFF_ROLES if badge_class.issued_by_staff_only else Membership.ISSUING_ROLES
    if not Membership.objects.filter(user=user, issuer_id=badge_class.issuer_id, role__in=roles).exists():
        return False
    if badge_class.required_badge_id is None:
        return True
    return user_holds_badge(user=user, badge_class=badge_class.required_badge)


def badge_classes_user_can_issue(*, user: AbstractBaseUser):
    """Badge classes ``user`` may issue through the partner form (one query for
    memberships, one for held habilitations)."""
    if not user.is_authenticated:
        return BadgeClass.objects.none()
    issuer_ids = Membership.objects.filter(user=user, role__in=Membership.ISSUING_ROLES).values("issuer_id")
    staff_issuer_ids = Membership.objects.filter(user=user, role__in=Membership.STAFF_ROLES).values("issuer_id")
    held = Assertion.objects.valid().filter(recipient_email__in=user_verified_emails(user=user)).values(
        "badge_class_id"
    )
    from django.db.models import Q

    return (
        BadgeClass.objects.active()
        .filter(issuer_id__in=issuer_ids, issuable_by_mediator=True)
        .filter(Q(issued_by_staff_only=False) | Q(issuer_id__in=staff_issuer_ids))
        .filter(Q(required_badge__isnull=True) | Q(required_badge_id__in=held))
        .select_related("issuer")
    )

# --- Partner space ---------------------------------------------------------------

def get_issuable_badge_class(*, user: AbstractBaseUser, public_id) -> BadgeClass:
    """A badge class ``user`` may issue now; 404 otherwise (other issuers learn nothing)."""
    from django.http import Http404

    badge_class = badge_classes_user_can_issue(user=user).filter(public_id=public_id).first()
    if badge_class is None:
        raise Http404
    return badge_class


def get_batch_for_user(*, user: AbstractBaseUser, public_id):
    """A CSV batch seen by its creator or by the staff of its issuer; 404 for anyone else."""
    from django.db.models import Q
    from django.http import Http404

    from badges.models import IssueBatch

    if not user.is_authenticated:
        raise Http404
    staff_issuers = Membership.objects.filter(user=user, role__in=Membership.STAFF_ROLES).values("issuer_id")
    batch = (
        IssueBatch.objects.select_related("badge_class__issuer")
        .filter(public_id=public_id)
        .filter(Q(created_by=user) | Q(badge_class__issuer_id__in=staff_issuers))
        .first()
    )
    if batch is None:
        raise Http404
    return batch


def partner_memberships(*, user: AbstractBaseUser):
    return Membership.objects.filter(user=user).select_related("issuer").order_by("issuer__name")

def user_can_review(*, user: AbstractBaseUser, badge_class: BadgeClass) -> bool:
    """Issuer staff and reviewers, or people the badge class names as its reviewers (peers)."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.filter(user=user, issuer_id=badge_class.issuer_id, role__in=Membership.REVIEWING_ROLES)
        .exists()
        or badge_class.reviewers.filter(pk=user.pk).exists()
    )


def badge_classes_user_reviews(*, user: AbstractBaseUser):
    from django.db.models import Q

    if not user.is_authenticated:
        return BadgeClass.objects.none()
    issuer_ids = Membership.objects.filter(user=user, role__in=Membership.REVIEWING_ROLES).values("issuer_id")
    return (
        BadgeClass.objects.filter(Q(issuer_id__in=issuer_ids) | Q(reviewers=user), requestable=True)
        .distinct()
        .select_related("issuer")
        .order_by("issuer__name", "name")
    )


def applications_for_reviewer(*, user: AbstractBaseUser):
    from badges.models import Application

    return (
        Application.objects.filter(badge_class__in=badge_classes_user_reviews(user=user))
        .exclude(status=Application.Status.DRAFT)
        .select_related("badge_class__issuer")
        .order_by("submitted_at")
    )


def get_application_for_reviewer(*, user: AbstractBaseUser, public_id):
    from django.http import Http404

    application = applications_for_reviewer(user=user).filter(public_id=public_id).first()
    if application is None:
        raise Http404
    return application


def badge_class_reviewers(*, badge_class: BadgeClass):
    """Who is told about a new application: the people the badge class names as its
    reviewers when it names some, otherwise the issuer's members with a reviewing role."""
    designated = badge_class.reviewers.filter(is_active=True)
    if designated.exists():
        return designated.order_by("pk")
    return (
        get_user_model().objects.filter(
            is_active=True,
            memberships__issuer_id=badge_class.issuer_id,
            memberships__role__in=Membership.REVIEWING_ROLES,
        )
        .distinct()
        .order_by("pk")
    )
# --- end of partner space


# --- The beneficiary's wallet -------------------------------------------------

def wallet_assertions(*, user: AbstractBaseUser, emails: list[str] | None = None):
    """Assertions in ``user``'s wallet: claimed by them or sent to one of their verified
    addresses, minus declined ones. Issuer joined: one query for the whole grid."""
    from django.db.models import Q

    if emails is None:
        emails = user_verified_emails(user=user)
    return (
        Assertion.objects.filter(Q(recipient_user=user) | Q(recipient_email__in=emails))
        .filter(declined_at__isnull=True)
        .select_related("badge_class__issuer")
        .order_by("-issued_on")
    )


# What a badge card shows (wallet, public profile): never the signed documents, the
# baked files nor the imported original, which make an assertion row heavy.
CARD_FIELDS = ("public_id", "badge_class_id", "issued_on", "expires_on", "revoked", "visibility",
               "badge_class__name", "badge_class__image", "badge_class__issuer_id", "badge_class__issuer__name")


def wallet_cards(*, user: AbstractBaseUser, emails: list[str] | None = None):
    """The wallet's assertions with only the columns a card shows, in a stable order for pages."""
    return wallet_assertions(user=user, emails=emails).only(*CARD_FIELDS).order_by("-issued_on", "-pk")


def wallet_held_badge_class_ids(*, user: AbstractBaseUser, emails: list[str] | None = None) -> set[int]:
    """Badge classes of the wallet's valid assertions (pathway progress), without loading them."""
    return set(wallet_assertions(user=user, emails=emails).valid().order_by().values_list(
        "badge_class_id", flat=True).distinct())


def user_owns_assertion(*, user: AbstractBaseUser, assertion: Assertion) -> bool:
    if not user.is_authenticated or assertion.declined_at is not None:
        return False
    if assertion.recipient_user_id == user.pk:
        return True
    return assertion.recipient_email in user_verified_emails(user=user)


def get_assertion_for_owner(*, user: AbstractBaseUser, public_id) -> Assertion:
    """The owner's view of one of their badges; 404 for anyone else."""
    from django.http import Http404

    assertion = (
        Assertion.objects.select_related("badge_class__issuer").filter(public_id=public_id).first()
    )
    if assertion is None or not user_owns_assertion(user=user, assertion=assertion):
        raise Http404
    return assertion


def wallet_deliveries(*, user: AbstractBaseUser):
    """What wallets received of the user's badges (for their data export)."""
    from badges.wallets.models import WalletDelivery

    return (WalletDelivery.objects.filter(assertion__in=wallet_assertions(user=user))
            .select_related("assertion__badge_class").order_by("delivered_at"))


def badge_class_holder_count(*, badge_class: BadgeClass) -> int:
    return badge_class.assertions.valid().values("recipient_email").distinct().count()


HOLDER_COUNT_TTL_S = 300


def badge_class_holder_count_cached(*, badge_class: BadgeClass) -> int:
    """The count public pages show, at most a few minutes old: not an aggregate per view."""
    return cache.get_or_set(f"holders:{badge_class.public_id}",
                            lambda: badge_class_holder_count(badge_class=badge_class), HOLDER_COUNT_TTL_S)


# --- Who may see a stored file (badgehub.media serves them) --------------------

def user_may_view_assertion(*, user: AbstractBaseUser, assertion: Assertion) -> bool:
    """Public assertions to anyone; private ones to their owner and the members of their issuer."""
    if assertion.visibility == Assertion.Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    return user_owns_assertion(user=user, assertion=assertion) or Membership.objects.filter(
        user=user, issuer_id=assertion.badge_class.issuer_id).exists()


def _is_issuer_staff(user: AbstractBaseUser, issuer_id: int) -> bool:
    return Membership.objects.filter(user=user, issuer_id=issuer_id, role__in=Membership.STAFF_ROLES).exists()


def user_may_see_evidence(*, user: AbstractBaseUser, evidence, opened_application_ids=()) -> bool:
    """The file of a piece of evidence.

    Of an assertion: anyone once its owner made it public with its evidence shown;
    otherwise its owner, the staff of its issuer and the mediator who issued it.
    Of an application: the applicant (their account, or the link they opened in this
    session: ``opened_application_ids``), its reviewers and the staff of its issuer.
    """
    assertion = evidence.assertion
    if assertion is not None:
        if assertion.visibility == Assertion.Visibility.PUBLIC and assertion.show_evidence:
            return True
        if user.is_authenticated and (
            user_owns_assertion(user=user, assertion=assertion) or assertion.issued_by_id == user.pk
            or _is_issuer_staff(user, assertion.badge_class.issuer_id)
        ):
            return True
    application = evidence.application
    if application is not None:
        if application.pk in opened_application_ids:
            return True
        if not user.is_authenticated:
            return False
        if application.applicant_id == user.pk:
            return True
        # Reviewers see an application once it is sent, as in their queue.
        return application.status != application.Status.DRAFT and (
            user_can_review(user=user, badge_class=application.badge_class)
            or _is_issuer_staff(user, application.badge_class.issuer_id))
    return False
