"""Every e-mail goes through OutgoingEmail: recorded, sent by a worker, retried, resendable."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from badges.models import OutgoingEmail


def email_queue(*, to: str, template: str, context: dict, issuer=None, assertion=None) -> OutgoingEmail:
    """Record an e-mail and send it from a worker once the transaction commits."""
    from badges.tasks import send_email

    email = OutgoingEmail(to=to, template=template, context=context, issuer=issuer, assertion=assertion)
    email.full_clean()
    email.save()
    transaction.on_commit(lambda: send_email.delay(email.pk))
    return email


def emails_queue(*, emails: list[OutgoingEmail]) -> list[OutgoingEmail]:
    """Record many e-mails at once; one worker task sends them over one connection."""
    from badges.tasks import send_emails

    for index, email in enumerate(emails):
        # The issuer is the same for a chunk and the assertions were just created:
        # checking they exist once per row would cost two queries per e-mail.
        email.full_clean(exclude=["issuer", "assertion"] if index else None, validate_unique=False)
    OutgoingEmail.objects.bulk_create(emails)
    ids = [email.pk for email in emails]
    if ids:
        transaction.on_commit(lambda: send_emails.delay(ids))
    return emails


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    context = {**email.context, "site_url": settings.SITE_URL, "assertion": email.assertion, "issuer": email.issuer}
    with translation.override(email.context.get("language", settings.LANGUAGE_CODE)):
        subject = " ".join(_render_text(f"emails/{email.template}_subject.txt", context).split())
        text = _render_text(f"emails/{email.template}.txt", context)
        html = render_to_string(f"emails/{email.template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[email.to])
    message.attach_alternative(html, "text/html")
    email.subject = subject
    return message


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


def email_send(*, email: OutgoingEmail) -> OutgoingEmail:
    """Render and send one recorded e-mail. Raises on failure so the task retries."""
    email.attempts += 1
    try:
        message = _message(email)
        message.send()
    except Exception as exc:
        _mark_failed(email, exc)
        email.save(update_fields=_SENT_FIELDS)
        raise
    _mark_sent(email)
    email.save(update_fields=_SENT_FIELDS)
    return email


def emails_send(*, email_ids: list[int]) -> list[OutgoingEmail]:
    """Send the e-mails of a chunk not sent yet over one connection; returns those that failed.

    Each e-mail's outcome is recorded on its own row: a failure stays FAILED and
    visible (and retryable) while the others are sent.
    """
    emails = list(
        OutgoingEmail.objects.filter(pk__in=email_ids).exclude(status=OutgoingEmail.Status.SENT)
        .select_related("issuer", "assertion__badge_class__issuer").order_by("pk")
    )
    if not emails:
        return []
    failed = []
    connection = get_connection()
    try:
        connection.open()
        for email in emails:
            email.attempts += 1
            try:
                message = _message(email)
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
    finally:
        try:
            connection.close()
        except Exception:  # the e-mails' outcomes are known; a close error changes nothing
            pass
        _record_outcomes(emails)
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
    transaction.on_commit(lambda: send_email.delay(email.pk))
    return email


