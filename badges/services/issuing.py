"""Issuing and revoking assertions: the one path every way of obtaining a badge goes through."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges import document_cache, selectors
from badges.api_v1.models import Event
from badges.api_v1.webhooks import assertion_data, assertion_event, webhook_events
from badges.issuing import assertions_sign, assertions_write_signed
from badges.models import Assertion, BadgeClass, Evidence, OutgoingEmail
from badges.services.emails import email_queue, emails_queue
from badges.services.queueing import task_queue
from badges.services.uploads import CheckedFile, display_file_name, upload_validate
from badges.signals import assertion_issued, assertion_revoked, assertions_issued
from issuers.audit.models import AuditEvent
from issuers.audit.services import audit_record


@dataclass(frozen=True)
class EvidenceInput:
    narrative: str = ""
    url: str = ""
    name: str = ""
    genre: str = ""
    file: File | None = None
    # The file's name on the person's device, when ``file`` was renamed on its way here.
    file_name: str = ""


def _expiry(badge_class: BadgeClass, issued_on: datetime) -> datetime | None:
    if not badge_class.validity_days:
        return None
    return issued_on + timedelta(days=badge_class.validity_days)


def _check_may_issue(*, badge_class: BadgeClass, issued_by: AbstractBaseUser | None, via: str,
                     requested_by: AbstractBaseUser | None = None) -> None:
    if badge_class.archived:
        raise ValidationError(_("Ce badge est archivé : il ne peut plus être délivré."))
    allowed = {
        Assertion.Via.MEDIATOR: badge_class.issuable_by_mediator,
        Assertion.Via.APPLICATION: badge_class.requestable,
        Assertion.Via.SELF: badge_class.self_issuable,
        Assertion.Via.AUTOMATIC: True,
        Assertion.Via.IMPORT: False,
    }
    if not allowed[via]:
        raise ValidationError(_("Ce badge ne peut pas être obtenu de cette façon."))
    # A person who issues (a mediator), confirms a criterion (a time-based step) or asks
    # for an automatic issue (an API caller) must hold the habilitation the badge
    # requires; only criteria met without anyone (a key badge) need nobody's.
    person = issued_by if via == Assertion.Via.MEDIATOR else issued_by or requested_by
    needs_person = via == Assertion.Via.MEDIATOR or (via == Assertion.Via.AUTOMATIC and person is not None)
    if needs_person and not selectors.user_can_issue(user=person, badge_class=badge_class):
        raise PermissionDenied(_("Vous n'êtes pas habilité à délivrer ce badge."))


@transaction.atomic
def assertion_issue(
    *,
    badge_class: BadgeClass,
    recipient_email: str,
    recipient_name: str = "",
    recipient_url: str = "",
    issued_by: AbstractBaseUser | None = None,
    via: str = Assertion.Via.MEDIATOR,
    narrative: str = "",
    evidence: Iterable[EvidenceInput] = (),
    issued_on: datetime | None = None,
    idempotency_key: str | None = None,
    notify: bool = True,
    requested_by: AbstractBaseUser | None = None,
) -> Assertion:
    """Issue one badge. Signing, baking and the award e-mail follow in workers.

    With an ``idempotency_key`` a second call returns the first assertion
    instead of issuing twice (CSV rows, automatic issuing, retried requests).
    ``requested_by``: who asked for an automatic issue recorded as the system's
    (the API's caller); they must be allowed to issue the badge.
    """
    if idempotency_key:
        existing = Assertion.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    _check_may_issue(badge_class=badge_class, issued_by=issued_by, via=via, requested_by=requested_by)
    issued_on = issued_on or timezone.now()
    assertion = Assertion(
        badge_class=badge_class,
        recipient_email=recipient_email.strip().lower(),
        recipient_url=recipient_url,
        recipient_name=recipient_name.strip(),
        issued_by=issued_by,
        issued_via=via,
        narrative=narrative,
        issued_on=issued_on,
        expires_on=_expiry(badge_class, issued_on),
        idempotency_key=idempotency_key or None,
    )
    owner = selectors.user_for_email(email=assertion.recipient_email) if assertion.recipient_email else None
    if owner is not None and via in (Assertion.Via.SELF, Assertion.Via.APPLICATION, Assertion.Via.AUTOMATIC):
        # The person asked for it (or earned it) with their account: it is theirs already.
        assertion.recipient_user = owner
        assertion.claimed_at = issued_on
    assertion.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            assertion.save()
    except IntegrityError:
        if idempotency_key:
            return Assertion.objects.get(idempotency_key=idempotency_key)
        raise
    for item in evidence:
        evidence_add(assertion=assertion, item=item)
    if notify and assertion.recipient_email:
        email_queue(
            to=assertion.recipient_email,
            template="award",
            context={"assertion_id": assertion.pk},
            issuer=badge_class.issuer,
            assertion=assertion,
        )
    audit_record(action=AuditEvent.Action.ASSERTION_ISSUED, actor=issued_by, issuer=badge_class.issuer,
                 object_type="assertion", object_id=assertion.public_id, object_label=_label(assertion),
                 details={"via": via, "badge_class": str(badge_class.public_id),
                          "recipient_email": assertion.recipient_email})
    _on_commit_announce(assertion_issued, assertion)
    assertion_event(assertion=assertion, event=Event.ASSERTION_ISSUED)
    assertion_finalise_queue(assertion=assertion)
    return assertion


@dataclass(frozen=True)
class IssueRow:
    """One recipient of a bulk issue (a CSV row). Evidence here is links only."""

    recipient_email: str
    recipient_name: str = ""
    narrative: str = ""
    evidence: Sequence[EvidenceInput] = field(default_factory=tuple)
    issued_on: datetime | None = None
    idempotency_key: str | None = None


@transaction.atomic
def assertions_issue_bulk(
    *,
    badge_class: BadgeClass,
    rows: Sequence[IssueRow],
    issued_by: AbstractBaseUser | None,
    via: str = Assertion.Via.MEDIATOR,
    notify: bool = True,
    finalise_here: bool = False,
    audit_details: dict | None = None,
) -> tuple[list[Assertion], int]:
    """Issue one badge to many people in a few queries; returns (issued, skipped).

    The same rules as ``assertion_issue`` (checked once for the whole chunk), the
    same rows, e-mails and announcements, but one finalise task and one e-mail
    task for the whole chunk instead of one of each per badge. Rows whose
    idempotency key was already used are skipped.

    ``finalise_here``: the caller is a worker; it signs and bakes the chunk in
    this transaction and sends its e-mails once it commits, instead of queuing
    two more tasks that would reload everything.

    The audit log gets one event for the chunk (with its count and the ids of
    its first and last badges, plus ``audit_details``), not one per badge: a
    10,000-row file adds a row per chunk.
    """
    _check_may_issue(badge_class=badge_class, issued_by=issued_by, via=via)
    keys = [row.idempotency_key for row in rows if row.idempotency_key]
    existing = set(Assertion.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    pending = [row for row in rows if not row.idempotency_key or row.idempotency_key not in existing]
    if any(item.file is not None for row in pending for item in row.evidence) or via in (
            Assertion.Via.SELF, Assertion.Via.APPLICATION, Assertion.Via.AUTOMATIC):
        # Files to copy, or accounts to attach: the one-by-one path knows how.
        issued = [assertion_issue(badge_class=badge_class, recipient_email=row.recipient_email,
                                  recipient_name=row.recipient_name, issued_by=issued_by, via=via,
                                  narrative=row.narrative, evidence=row.evidence, issued_on=row.issued_on,
                                  idempotency_key=row.idempotency_key, notify=notify) for row in pending]
        return issued, len(rows) - len(pending)
    now = timezone.now()
    assertions = []
    for row in pending:
        issued_on = row.issued_on or now
        assertion = Assertion(
            badge_class=badge_class,
            recipient_email=row.recipient_email.strip().lower(),
            recipient_name=row.recipient_name.strip(),
            issued_by=issued_by,
            issued_via=via,
            narrative=row.narrative,
            issued_on=issued_on,
            expires_on=_expiry(badge_class, issued_on),
            idempotency_key=row.idempotency_key or None,
        )
        # Random public ids and tokens: the database's unique indexes are the check,
        # not two queries per row. What is the same for every row (foreign keys, badge,
        # generated values) is checked on the first row; the others check what varies.
        assertion.full_clean(exclude=_SAME_FOR_EVERY_ROW if assertions else ["idempotency_key"],
                             validate_unique=False)
        assertions.append(assertion)
    if not assertions:
        return [], len(rows)
    # A worker signing the chunk takes the ids first (PostgreSQL), so each signed badge
    # is written once, by one INSERT; otherwise the rows are inserted, then signed.
    reserved = reserve_ids(Assertion, len(assertions)) if finalise_here else None
    if reserved:
        for assertion, pk in zip(assertions, reserved, strict=True):
            assertion.pk = pk
    else:
        Assertion.objects.bulk_create(assertions)  # PostgreSQL returns the primary keys
    evidence = []
    for assertion, row in zip(assertions, pending, strict=True):
        for item in row.evidence:
            item_row = Evidence(assertion=assertion, narrative=item.narrative, url=item.url, name=item.name,
                                genre=item.genre)
            # The assertion is ours (maybe not written yet: the constraint is checked at commit).
            item_row.full_clean(exclude=["assertion"], validate_unique=False)
            evidence.append(item_row)
    Evidence.objects.bulk_create(evidence)
    failed = []
    if finalise_here:
        failed = assertions_sign(assertions=assertions)
        if reserved:
            Assertion.objects.bulk_create(assertions)
        else:
            assertions_write_signed(assertions=assertions)
    if notify:
        emails_queue(emails=[
            OutgoingEmail(to=a.recipient_email, template="award", context={"assertion_id": a.pk},
                          issuer=badge_class.issuer, assertion=a)
            for a in assertions
        ], send_here=finalise_here)
    ids = [a.pk for a in assertions]
    audit_record(action=AuditEvent.Action.ASSERTIONS_ISSUED, actor=issued_by, issuer=badge_class.issuer,
                 object_type="badge_class", object_id=badge_class.public_id, object_label=badge_class.name,
                 count=len(assertions),
                 details={"via": via, "first_assertion": str(assertions[0].public_id),
                          "last_assertion": str(assertions[-1].public_id), "skipped": len(rows) - len(pending),
                          **(audit_details or {})})
    transaction.on_commit(lambda: assertions_issued.send(sender=Assertion, assertion_ids=ids,
                                                         badge_class_id=badge_class.pk))
    # Built only if an endpoint listens (one query tells; most issuers have none).
    webhook_events(issuer_id=badge_class.issuer_id, event=Event.ASSERTION_ISSUED,
                   items=(assertion_data(a) for a in assertions))
    if not finalise_here:
        assertions_finalise_queue(assertion_ids=ids)
    elif failed:  # their error is recorded; the retrying task signs them
        assertions_finalise_queue(assertion_ids=failed)
    return assertions, len(rows) - len(pending)


def reserve_ids(model, count: int) -> list[int] | None:
    """``count`` primary keys taken from the table's sequence, or None where the
    database has none to take from (SQLite: insert first)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


_PER_ROW = {"recipient_email", "recipient_name", "narrative", "issued_on", "expires_on"}
_SAME_FOR_EVERY_ROW = [f.name for f in Assertion._meta.fields if f.name not in _PER_ROW]


def assertions_finalise_queue(*, assertion_ids: list[int]) -> None:
    """One task signs and bakes the whole chunk once the current transaction commits."""
    from badges.tasks import finalise_assertions

    task_queue(finalise_assertions, assertion_ids)


def assertion_finalise_queue(*, assertion: Assertion) -> None:
    """Sign and bake in a worker once the current transaction commits."""
    from badges.tasks import finalise_assertion

    task_queue(finalise_assertion, assertion.pk)


# What an owner's choice of shown details changes in the signed and baked forms.
_SIGNED_FORMS = {"signing_key_rsa": None, "signing_key_ed25519": None, "ob2_jws": "", "ob3_credential": None,
                 "ob3_jwt": "", "baked_png": "", "baked_svg": "", "baked_at": None, "bake_error": ""}


@transaction.atomic
def assertion_documents_rebuild(*, assertion: Assertion) -> Assertion:
    """Sign and bake again, from what the assertion shows now (its owner hid or showed
    the observation or the evidence).

    The superseded forms stop being served at once: the signed documents are cleared
    (the hosted credential answers "en préparation" until the worker is done), the baked
    files are deleted once this commits, and the new ones get new names. The current
    keys of the issuer sign, through the same path as at issuing (``assertion_finalise``).
    """
    locked = Assertion.objects.select_for_update().get(pk=assertion.pk)
    superseded = [name for name in (locked.baked_png.name, locked.baked_svg.name) if name]
    Assertion.objects.filter(pk=locked.pk).update(**_SIGNED_FORMS)
    document_cache.changed(document_cache.assertion_scope(locked.pk))  # the credential is "en préparation" now
    for name, value in _SIGNED_FORMS.items():
        setattr(assertion, name, value)
    storage = Assertion._meta.get_field("baked_png").storage

    def delete_superseded() -> None:
        for name in superseded:
            storage.delete(name)

    transaction.on_commit(delete_superseded)
    assertion_finalise_queue(assertion=assertion)
    return assertion


def _label(assertion: Assertion) -> str:
    return f"{assertion.badge_class.name} → {assertion.recipient_name or assertion.recipient_email}"


def _on_commit_announce(signal, assertion: Assertion) -> None:
    transaction.on_commit(lambda: signal.send(sender=Assertion, assertion_id=assertion.pk,
                                              badge_class_id=assertion.badge_class_id))


def evidence_add(*, item: EvidenceInput, assertion: Assertion | None = None, application=None) -> Evidence:
    evidence = Evidence(assertion=assertion, application=application, narrative=item.narrative, url=item.url,
                        name=item.name, genre=item.genre)
    if item.file is not None:
        given = item.file_name or ("" if isinstance(item.file, CheckedFile) else getattr(item.file, "name", ""))
        # Whatever door it came through (form, draft, API, script), checked here once more.
        checked = upload_validate(upload=item.file)
        evidence.file.save(checked.name, checked, save=False)
        evidence.file_name = display_file_name(given)
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def assertion_revoke(*, assertion: Assertion, reason: str, revoked_by: AbstractBaseUser | None = None) -> Assertion:
    if not reason.strip():
        raise ValidationError({"revocation_reason": _("Indiquez le motif de la révocation.")})
    if assertion.revoked:
        return assertion
    assertion.revoked = True
    assertion.revocation_reason = reason.strip()
    assertion.revoked_at = timezone.now()
    assertion.full_clean()
    assertion.save(update_fields=["revoked", "revocation_reason", "revoked_at"])
    email_queue(
        to=assertion.recipient_email,
        template="revoked",
        context={"assertion_id": assertion.pk},
        issuer=assertion.badge_class.issuer,
        assertion=assertion,
    )
    audit_record(action=AuditEvent.Action.ASSERTION_REVOKED, actor=revoked_by, issuer=assertion.badge_class.issuer,
                 object_type="assertion", object_id=assertion.public_id, object_label=_label(assertion),
                 details={"reason": assertion.revocation_reason, "recipient_email": assertion.recipient_email})
    _on_commit_announce(assertion_revoked, assertion)
    assertion_event(assertion=assertion, event=Event.ASSERTION_REVOKED)
    return assertion
