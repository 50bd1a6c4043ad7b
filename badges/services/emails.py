"""Every e-mail goes through OutgoingEmail: recorded, sent by a worker, retried, resendable."""

import hashlib
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template import Context
from django.template.defaultfilters import linebreaksbr
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.html import conditional_escape

from badges.models import OutgoingEmail
from badges.services.queueing import task_queue

logger = logging.getLogger(__name__)


def email_queue(*, to: str, template: str, context: dict, issuer=None, assertion=None) -> OutgoingEmail:
    """Record an e-mail and send it from a worker once the transaction commits."""
    from badges.tasks import send_email

    email = OutgoingEmail(to=to, template=template, context=context, issuer=issuer, assertion=assertion)
    email.full_clean()
    email.save()
    if not _waits(template):
        task_queue(send_email, email.pk)
    return email


def _waits(template: str) -> bool:
    """Award e-mails wait for the badges issued with them; ``award_emails_send_due`` sends them."""
    return template == "award" and settings.BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS > 0


def award_emails_send_due(*, limit: int = 2000) -> int:
    """Beat job: queue the award e-mails that have waited their grouping delay, a chunk
    per task (each task sends its chunk over one connection, grouped by address)."""
    from badges.services.queueing import task_publish
    from badges.tasks import send_emails

    before = timezone.now() - timedelta(seconds=settings.BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS)
    due = list(OutgoingEmail.objects.filter(template="award", status=OutgoingEmail.Status.PENDING,
                                            created_at__lte=before)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    for start in range(0, len(due), 500):
        if not task_publish(name=send_emails.name, args=[due[start:start + 500]], keep=False):
            break  # the broker is down: the next round finds them again
    return len(due)


def emails_queue(*, emails: list[OutgoingEmail], send_here: bool = False) -> list[OutgoingEmail]:
    """Record many e-mails at once; one worker task sends them over one connection.

    ``send_here``: the caller is a worker, and sends them itself once the
    transaction commits (no second task, nothing to reload).
    """
    from badges.tasks import send_emails

    for index, email in enumerate(emails):
        # The issuer is the same for a chunk and the assertions were just created:
        # checking they exist once per row would cost two queries per e-mail.
        email.full_clean(exclude=["issuer", "assertion"] if index else None, validate_unique=False)
    OutgoingEmail.objects.bulk_create(emails)
    ids = [email.pk for email in emails]
    if ids and _waits(emails[0].template):
        # Award e-mails wait for badges issued with them (a pathway's key badge): the beat
        # job sends the chunk later, rendered once for the whole chunk all the same.
        pass
    elif ids and send_here:
        transaction.on_commit(lambda: emails_send_now(emails=emails))
    elif ids:
        task_queue(send_emails, ids)
    return emails


def emails_send_now(*, emails: list[OutgoingEmail]) -> None:
    """Send recorded e-mails in this process; what fails goes to the retrying task."""
    from badges.tasks import send_emails

    try:
        with transaction.atomic():
            # Locked while they are sent: a sweeper queuing them again waits, then finds them sent.
            mine = set(_lock_unsent([email.pk for email in emails]).values_list("pk", flat=True))
            failed = emails_deliver(emails=[email for email in emails if email.pk in mine])
    except Exception:
        logger.exception("Sending %d e-mail(s) failed; queued for a retry", len(emails))
        failed = emails
    if failed:
        task_queue(send_emails, [email.pk for email in failed], countdown=30)


def message_id(email: OutgoingEmail, companions: list[OutgoingEmail] = ()) -> str:
    """The same Message-ID every time this e-mail is sent: if a worker dies between the
    mail server's acceptance and recording it sent, the copy sent again is the same
    message, which mail services show once. An e-mail that lists other badges too has
    an id of its own for that list: sent again with one more badge, it is a new message
    (the person may read a badge twice, never miss one)."""
    domain = urlsplit(settings.SITE_URL).hostname or "badgehub.localhost"
    group = ""
    if companions:
        pks = ",".join(str(pk) for pk in sorted(c.pk for c in companions))
        group = "." + hashlib.sha256(pks.encode()).hexdigest()[:12]
    return f"<email.{email.pk}.{int(email.created_at.timestamp())}{group}@{domain}>"


# --- badges issued together: one e-mail ----------------------------------------------
#
# A mediator's step badge completes a pathway, and the progress engine issues its key
# badge a moment later; a mediator issues three steps in a row. The award e-mails wait
# ``BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS`` (``award_emails_send_due``, a beat job, sends
# them then; the sweeper too if that job stalls), then whichever is sent first takes the other
# award e-mails to the same address not sent yet ("companions") and lists them all. The
# companions are locked with it and recorded sent with it, in the same transaction: a
# companion's own task finds it sent (or locked, and skips it); if the send fails they
# are recorded failed with it and retried with it (a single send leaves them pending).


def _companions(emails: list[OutgoingEmail]) -> dict[int, list[OutgoingEmail]]:
    """For each award e-mail of ``emails`` that leads a group: the others to its address.

    One query for a whole chunk (usually answering nothing), so a CSV chunk keeps its
    render-once path for everyone else.
    """
    awards = [email for email in emails if email.template == "award" and email.assertion_id]
    if not awards:
        return {}
    in_hand = {email.pk for email in emails}
    others = list(OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
                  .filter(to__in={email.to for email in awards}, template="award", assertion__isnull=False)
                  .exclude(status=OutgoingEmail.Status.SENT).exclude(pk__in=in_hand)
                  .select_related("assertion__badge_class__issuer").order_by("pk"))
    by_address: dict[str, list[OutgoingEmail]] = {}
    for email in sorted(awards, key=lambda e: e.pk) + others:
        by_address.setdefault(email.to, []).append(email)
    return {group[0].pk: group[1:] for group in by_address.values() if len(group) > 1 and group[0].pk in in_hand}


def _grouped_parts(email: OutgoingEmail, companions: list[OutgoingEmail]) -> tuple[str, str, str]:
    assertions = sorted([email.assertion, *(c.assertion for c in companions)], key=lambda a: (a.issued_on, a.pk))
    name = next((a.recipient_name for a in assertions if a.recipient_name), "")
    context = {"site_url": settings.SITE_URL, "assertions": assertions, "recipient_name": name}
    with translation.override(_language(email)):
        subject = " ".join(_render_text("emails/awards_subject.txt", context).split())
        text = _render_text("emails/awards.txt", context)
        html = render_to_string("emails/awards.html", context)
    return subject, text, html


def _mark_companions(companions: list[OutgoingEmail], leader: OutgoingEmail) -> None:
    for companion in companions:
        companion.attempts += 1
        companion.subject = leader.subject
        if leader.status == OutgoingEmail.Status.SENT:
            _mark_sent(companion)
        else:
            companion.status, companion.last_error = OutgoingEmail.Status.FAILED, leader.last_error


def _parts(email: OutgoingEmail, *, assertion=None) -> tuple[str, str, str]:
    """(subject, text, HTML) of a recorded e-mail, rendered from its templates."""
    context = {**email.context, "site_url": settings.SITE_URL, "assertion": assertion or email.assertion,
               "issuer": email.issuer}
    with translation.override(_language(email)):
        subject = " ".join(_render_text(f"emails/{email.template}_subject.txt", context).split())
        text = _render_text(f"emails/{email.template}.txt", context)
        html = render_to_string(f"emails/{email.template}.html", context)
    return subject, text, html


def _language(email: OutgoingEmail) -> str:
    return email.context.get("language", settings.LANGUAGE_CODE)


def _message(email: OutgoingEmail, merges: dict | None = None,
             companions: list[OutgoingEmail] = ()) -> EmailMultiAlternatives:
    if companions:
        parts = _grouped_parts(email, companions)
    else:
        parts = _award_parts(email, merges) if merges is not None and email.template == "award" else None
    subject, text, html = parts or _parts(email)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[email.to],
                                     headers={"Message-ID": message_id(email, companions)})
    message.attach_alternative(html, "text/html")
    email.subject = subject
    return message


# --- award e-mails of a chunk: rendered once, filled in per recipient -----------------
#
# Thousands of award e-mails of one badge differ only by the recipient's name, the
# observation and the claim link. Rendering the three templates per e-mail cost a
# sixth of signing the badge itself, so a chunk renders them once with stand-ins and
# fills them in, escaped as the templates would (tests compare both ways on hostile values).

_STAND_IN = {
    "recipient_name": "\ue000badgehub-name\ue000",
    "narrative": "\ue000badgehub-narrative\ue000",
    "claim_token": "BadgehubStandInClaimToken0",
}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
_AWARD_CONTEXT = {"assertion_id", "language"}


class _StandInAssertion:
    """What the award templates read of an assertion: its badge, and stand-ins for the
    per-recipient fields. Anything else read is recorded, and the chunk falls back to
    rendering each e-mail (never another recipient's value)."""

    def __init__(self, assertion, *, narrative: bool) -> None:
        self._assertion = assertion
        self._narrative = narrative
        self.unknown: set[str] = set()

    def __getattr__(self, name: str):
        if name == "badge_class":
            return self._assertion.badge_class
        if name in _STAND_IN:
            return _STAND_IN[name] if name != "narrative" or self._narrative else ""
        self.unknown.add(name)
        raise AttributeError(name)


def _award_parts(email: OutgoingEmail, merges: dict) -> tuple[str, str, str] | None:
    assertion = email.assertion
    if assertion is None or not _TOKEN.match(assertion.claim_token) or not set(email.context) <= _AWARD_CONTEXT:
        return None
    key = (assertion.badge_class_id, email.issuer_id, _language(email), bool(assertion.narrative))
    if key not in merges:
        stand_in = _StandInAssertion(assertion, narrative=bool(assertion.narrative))
        rendered = _parts(email, assertion=stand_in)
        merges[key] = None if stand_in.unknown else rendered
    if merges[key] is None:
        return None
    subject, text, html = merges[key]
    name, narrative = assertion.recipient_name or "", assertion.narrative or ""
    fill = {"recipient_name": (name, conditional_escape(name)),
            "narrative": (narrative, linebreaksbr(narrative, autoescape=True)),
            "claim_token": (assertion.claim_token, assertion.claim_token)}
    for field, (raw, escaped) in fill.items():
        subject = subject.replace(_STAND_IN[field], raw)
        text = text.replace(_STAND_IN[field], raw)
        html = html.replace(_STAND_IN[field], escaped)
    return subject, text, html


def _mark_failed(email: OutgoingEmail, exc: Exception) -> None:
    email.status = OutgoingEmail.Status.FAILED
    email.last_error = f"{type(exc).__name__}: {exc}"


def _mark_sent(email: OutgoingEmail) -> None:
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""


_SENT_FIELDS = ["attempts", "subject", "status", "last_error", "sent_at"]


def _render_text(name: str, context: dict) -> str:
    # Plain text is not HTML: "l'adresse" must not arrive as "l&#x27;adresse".
    return get_template(name).template.render(Context(context, autoescape=False))


def _lock_unsent(email_ids: list[int]):
    """The e-mails of ``email_ids`` not sent yet, locked until the transaction ends.

    Whoever holds the lock sends; a second task given the same e-mails (a task
    delivered twice, the sweeper) skips them, and once the first commits it reads
    them as sent: an e-mail goes out once.
    """
    return (OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=email_ids).exclude(status=OutgoingEmail.Status.SENT))


def email_send_once(*, email_id: int) -> OutgoingEmail | None:
    """Send one recorded e-mail unless it was sent (or is being sent) already.

    Raises on failure, once the failure is recorded, so the task retries.
    """
    error = None
    with transaction.atomic():
        email = _lock_unsent([email_id]).first()
        if email is None:
            return None
        try:
            email_send(email=email)  # records FAILED itself before raising
        except Exception as exc:
            error = exc
    if error is not None:
        raise error
    return email


def email_send(*, email: OutgoingEmail) -> OutgoingEmail:
    """Render and send one recorded e-mail. Raises on failure so the task retries."""
    email.attempts += 1
    # Inside the caller's transaction: the companions stay locked until it ends.
    companions = _companions([email]).get(email.pk, []) if transaction.get_connection().in_atomic_block else []
    try:
        message = _message(email, companions=companions)
        message.send()
    except Exception as exc:
        _mark_failed(email, exc)
        email.save(update_fields=_SENT_FIELDS)
        raise
    _mark_sent(email)
    email.save(update_fields=_SENT_FIELDS)
    _mark_companions(companions, email)
    for companion in companions:
        companion.save(update_fields=_SENT_FIELDS)
    return email


def emails_send(*, email_ids: list[int]) -> list[OutgoingEmail]:
    """Send the e-mails of a chunk not sent yet over one connection; returns those that failed.

    Each e-mail's outcome is recorded on its own row: a failure stays FAILED and
    visible (and retryable) while the others are sent.
    """
    with transaction.atomic():
        emails = list(_lock_unsent(email_ids).select_related("issuer", "assertion__badge_class__issuer").order_by("pk"))
        return emails_deliver(emails=emails)


def emails_deliver(*, emails: list[OutgoingEmail]) -> list[OutgoingEmail]:
    """Send loaded e-mails over one connection, record each outcome; returns those that failed."""
    if not emails:
        return []
    failed = []
    merges: dict = {}
    groups = _companions(emails)
    grouped = {companion.pk for companions in groups.values() for companion in companions}
    recorded = list(emails)
    recorded += [c for companions in groups.values() for c in companions if c.pk not in {e.pk for e in emails}]
    connection = get_connection()
    try:
        connection.open()
        for email in emails:
            if email.pk in grouped:
                continue  # listed in its group's e-mail, recorded with it
            email.attempts += 1
            try:
                message = _message(email, merges, companions=groups.get(email.pk, []))
                message.connection = connection
                if not connection.send_messages([message]):
                    raise RuntimeError("message not accepted")
            except Exception as exc:
                _mark_failed(email, exc)
                failed.append(email)
                try:  # start the next one on a fresh connection
                    connection.close()
                except Exception:
                    pass
            else:
                _mark_sent(email)
            if email.pk in groups:
                _mark_companions(groups[email.pk], email)
                failed += [c for c in groups[email.pk] if c.status == OutgoingEmail.Status.FAILED]
    finally:
        try:
            connection.close()
        except Exception:  # the e-mails' outcomes are known; a close error changes nothing
            pass
        _record_outcomes(recorded)
    return failed


def _record_outcomes(emails: list[OutgoingEmail]) -> None:
    """Sent e-mails of a chunk share their outcome and mostly their subject: a
    few plain UPDATEs instead of bulk_update's per-row CASE expressions."""
    sent_by_subject: dict[str, list[int]] = {}
    for email in emails:
        if email.status == OutgoingEmail.Status.SENT:
            sent_by_subject.setdefault(email.subject, []).append(email.pk)
        else:
            email.save(update_fields=_SENT_FIELDS)
    now = timezone.now()
    for subject, pks in sent_by_subject.items():
        OutgoingEmail.objects.filter(pk__in=pks).update(
            status=OutgoingEmail.Status.SENT, subject=subject, sent_at=now, last_error="", attempts=F("attempts") + 1)


def email_resend(*, email: OutgoingEmail) -> OutgoingEmail:
    from badges.tasks import send_email

    email.status = OutgoingEmail.Status.PENDING
    email.save(update_fields=["status"])
    task_queue(send_email, email.pk)
    return email


