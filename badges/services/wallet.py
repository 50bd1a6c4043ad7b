"""The beneficiary's side of an assertion: claim or decline it, choose what is public, the public profile."""

from datetime import UTC, datetime, time
from pathlib import PurePath

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _

from badges import document_cache, selectors
from badges.api_v1.models import Event
from badges.api_v1.webhooks import assertion_event
from badges.models import Assertion, EmailAddress, ImportedBadge, WalletProfile
from badges.services.accounts import email_address_add
from badges.services.issuing import assertion_documents_rebuild
from badges.services.uploads import MAX_BADGE_FILE_BYTES, file_check, unguessable_name


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
    document_cache.issuers_reports_changed([assertion.badge_class.issuer_id])  # written without save()
    assertion_event(assertion=assertion, event=Event.ASSERTION_CLAIMED)
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
    made_public = public and assertion.visibility != Assertion.Visibility.PUBLIC
    assertion.visibility = Assertion.Visibility.PUBLIC if public else Assertion.Visibility.PRIVATE
    fields = ["visibility"]
    if assertion.recipient_user_id is None:
        # Sent to a verified address of the owner but never claimed: acting on it claims it.
        assertion.recipient_user = user
        assertion.claimed_at = assertion.claimed_at or timezone.now()
        fields += ["recipient_user", "claimed_at"]
    assertion.full_clean()
    assertion.save(update_fields=fields)
    if made_public:
        assertion_event(assertion=assertion, event=Event.ASSERTION_MADE_PUBLIC)
    return assertion


@transaction.atomic
def assertion_set_shown_details(
    *, assertion: Assertion, user: AbstractBaseUser, show_evidence: bool, show_narrative: bool
) -> Assertion:
    """The owner chooses what is shown: the page, the hosted documents, and every signed and
    baked form, rebuilt by a worker without what is hidden."""
    _check_owner(assertion=assertion, user=user)
    changed = (assertion.show_evidence, assertion.show_narrative) != (show_evidence, show_narrative)
    assertion.show_evidence = show_evidence
    assertion.show_narrative = show_narrative
    assertion.full_clean()
    assertion.save(update_fields=["show_evidence", "show_narrative"])
    if changed:
        assertion_documents_rebuild(assertion=assertion)
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


@transaction.atomic
def wallet_profile_set_name(*, user: AbstractBaseUser, display_name: str) -> WalletProfile:
    """The name an application connected by the person shows for them (the API's putProfile)."""
    profile, _created = WalletProfile.objects.select_for_update().get_or_create(user=user)
    profile.display_name = display_name.strip()
    profile.full_clean()
    profile.save(update_fields=["display_name"])
    return profile


# --- Import from other platforms ----------------------------------------------

def _when(value) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        parsed_date = parse_date(str(value)[:10])
        parsed = datetime.combine(parsed_date, time.min) if parsed_date else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _image(value) -> str:
    url = value.get("id", "") if isinstance(value, dict) else str(value or "")
    return url if url.startswith(("https://", "http://")) and len(url) <= 2000 else ""


def _fields_of(report) -> dict:
    """What a wallet shows of a verified document, OB 2.0 or OB 3.0."""
    doc = report.document or {}
    if report.version == "ob2":
        badge = doc.get("badge") if isinstance(doc.get("badge"), dict) else {}
        return {"document_id": str(doc.get("id", "")), "description": str(badge.get("description", "")),
                "image_url": _image(badge.get("image")), "issued_on": _when(doc.get("issuedOn")),
                "expires_on": _when(doc.get("expires"))}
    subject = doc.get("credentialSubject")
    subject = (subject[0] if isinstance(subject, list) and subject else subject) or {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    return {"document_id": str(doc.get("id") or achievement.get("id") or ""),
            "description": str(achievement.get("description", "")), "image_url": _image(achievement.get("image")),
            "issued_on": _when(doc.get("validFrom") or doc.get("issuanceDate")),
            "expires_on": _when(doc.get("validUntil") or doc.get("expirationDate"))}


def _verify_for_someone_of(data, emails: list[str]):
    """Verify once per verified address until the recipient matches (usually the first)."""
    from badges.verification import verify_badge

    report = None
    for email in emails:
        report = verify_badge(data, expected_email=email)
        if report.recipient_match or report.document is None:
            return report, email if report.recipient_match else None
    return report, None


def _verified_for_user(*, user: AbstractBaseUser, data: bytes | str) -> tuple:
    """Verify a badge for ``user``: (report, the address it was issued to, the wallet's fields).

    Raises ValidationError unless the verifier accepts it (a valid or merely expired badge)
    and it was issued to one of the person's verified addresses."""
    emails = selectors.user_verified_emails(user=user)
    if not emails:
        raise ValidationError(_("Vérifiez d'abord une adresse e-mail : le badge doit vous avoir été délivré."))
    report, email = _verify_for_someone_of(data, emails)
    if report.status == "revoked":
        raise ValidationError(_("Ce badge a été révoqué par son émetteur : il ne peut pas être importé."))
    if report.status not in ("valid", "expired") or report.document is None:
        failed = [check.message for check in report.checks
                  if not check.ok and check.code != "recipient" and check.level != "warning"]
        raise ValidationError(
            _("Ce badge n'a pas pu être vérifié.") + (" " + " ; ".join(failed) if failed else "")
        )
    if email is None:
        raise ValidationError(
            _("Ce badge n'a pas été délivré à l'une de vos adresses vérifiées. Ajoutez cette adresse à votre compte.")
        )
    return report, email, _fields_of(report)


@transaction.atomic
def badge_import(*, user: AbstractBaseUser, data: bytes | str, file_name: str = "") -> ImportedBadge:
    """Import a badge from another platform: a baked PNG/SVG, or a pasted URL, JSON, JWS or JWT.

    Stored only if the verifier accepts it (a valid or merely expired badge) and it was
    issued to one of the person's verified addresses.
    """
    if isinstance(data, bytes):
        source = ImportedBadge.Source.PNG if data.startswith(b"\x89PNG") else ImportedBadge.Source.SVG
    else:
        data = data.strip()
        source = (ImportedBadge.Source.URL if data.startswith(("http://", "https://"))
                  else ImportedBadge.Source.JSON if data.startswith("{") else ImportedBadge.Source.TOKEN)
    report, email, fields = _verified_for_user(user=user, data=data)
    if ImportedBadge.objects.filter(user=user, document_id=fields["document_id"]).exists():
        raise ValidationError(_("Ce badge est déjà dans votre passeport."))
    imported = ImportedBadge(
        user=user, recipient_email=email, badge_name=report.badge_name[:300] or _("Badge sans nom"),
        issuer_name=report.issuer_name[:300], version=report.version, source=source,
        original_document=report.document, original_token=data if source == ImportedBadge.Source.TOKEN else "",
        checks=_checks_of(report),
        verified_status=report.status, **fields,
    )
    if source == ImportedBadge.Source.PNG:
        # Kept to show and to download again; SVG uploads are not kept (their badge element
        # would not survive sanitising). Checked like every stored file, under a name of ours.
        png, extension = file_check(data, accept=frozenset({"png"}), max_bytes=MAX_BADGE_FILE_BYTES)
        stem = slugify(PurePath(file_name or "badge").stem)[:60] or "badge"
        imported.baked_file.save(unguessable_name(stem, extension), ContentFile(png), save=False)
    imported.full_clean()
    imported.save()
    return imported


@transaction.atomic
def badge_upsert(*, user: AbstractBaseUser, data: dict | str) -> tuple[ImportedBadge, bool]:
    """An OB 3.0 credential sent by an application the person connected (the API's
    ``upsertCredential``): verified like an import, then stored, or replacing the copy already
    in the wallet (same credential id). Returns the badge and whether it is new.

    Only OB 3.0 credentials: a JSON object with its Data Integrity proof, or a VC-JWT."""
    token = data.strip() if isinstance(data, str) else ""
    report, email, fields = _verified_for_user(user=user, data=token or data)
    if report.version != "ob3":
        raise ValidationError(_("Seuls les badges Open Badges 3.0 sont acceptés ici."))
    values = {
        "recipient_email": email, "badge_name": report.badge_name[:300] or _("Badge sans nom"),
        "issuer_name": report.issuer_name[:300], "version": report.version,
        "source": ImportedBadge.Source.TOKEN if token else ImportedBadge.Source.JSON,
        "original_document": report.document, "original_token": token, "checks": _checks_of(report),
        "verified_status": report.status, "verified_at": timezone.now(),
        **{key: value for key, value in fields.items() if key != "document_id"},
    }
    existing = ImportedBadge.objects.select_for_update().filter(user=user, document_id=fields["document_id"])
    imported = existing.first()
    if imported is None:
        imported = ImportedBadge(user=user, document_id=fields["document_id"], **values)
        imported.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():  # two applications sending the same badge at once: one row
                imported.save()
            return imported, True
        except IntegrityError:
            imported = existing.get()
    for key, value in values.items():
        setattr(imported, key, value)
    imported.full_clean()
    imported.save()
    return imported, False


@transaction.atomic
def imported_badge_set_visibility(*, imported: ImportedBadge, user: AbstractBaseUser, public: bool) -> ImportedBadge:
    if imported.user_id != user.pk:
        raise PermissionDenied
    imported.visibility = Assertion.Visibility.PUBLIC if public else Assertion.Visibility.PRIVATE
    imported.save(update_fields=["visibility"])
    return imported


@transaction.atomic
def imported_badge_delete(*, imported: ImportedBadge, user: AbstractBaseUser) -> None:
    if imported.user_id != user.pk:
        raise PermissionDenied
    if imported.baked_file:
        imported.baked_file.delete(save=False)
    imported.delete()


def _recheck_data(imported: ImportedBadge) -> bytes | str | dict | None:
    """What the verifier can check again, from what was kept at import."""
    if imported.original_token:
        return imported.original_token
    if imported.baked_file:
        with imported.baked_file.open("rb") as handle:
            return handle.read()
    document = imported.original_document or {}
    verification = document.get("verification") if isinstance(document.get("verification"), dict) else {}
    if imported.version == "ob2" and str(verification.get("type", "")).lower() in ("hosted", "hostedbadge"):
        return document
    if imported.version == "ob3" and document.get("proof"):
        return document
    # A signed OB 2.0 badge pasted from an SVG: its signature was not kept.
    return None


def imported_badge_recheck(*, imported: ImportedBadge) -> bool:
    """Verify an imported badge again when that needs no request to another server
    (documents hosted here, self-contained proofs). Returns whether it was checked now;
    otherwise its page honestly shows the date of the last check."""
    from badges.verification import verify_badge_here

    data = _recheck_data(imported)
    report = verify_badge_here(data, expected_email=imported.recipient_email) if data is not None else None
    if report is None:
        return False
    status = report.status if report.recipient_match is not False else "invalid"
    checks = _checks_of(report)
    imported.verified_at = timezone.now()
    if status != imported.verified_status or checks != imported.checks:
        # Only a change is written: a page view does not write on every visit.
        imported.verified_status, imported.checks = status, checks
        ImportedBadge.objects.filter(pk=imported.pk).update(
            verified_status=status, checks=checks, verified_at=imported.verified_at
        )
    return True


def _checks_of(report) -> list[dict]:
    """What an imported badge's page lists of its last verification (warnings shown as such)."""
    return [{"code": c.code, "ok": c.ok, "message": c.message, "level": c.level} for c in report.checks]
