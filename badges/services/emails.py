"""Every e-mail goes through OutgoingEmail: recorded, sent by a worker, retried, resendable."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
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


def email_send(*, email: OutgoingEmail) -> OutgoingEmail:
    """Render and send one recorded e-mail. Raises on failure so the task retries."""
    context = {**email.context, "site_url": settings.SITE_URL, "assertion": email.assertion, "issuer": email.issuer}
    with translation.override(email.context.get("language", settings.LANGUAGE_CODE)):
        subject = " ".join(render_to_string(f"emails/{email.template}_subject.txt", context).split())
        text = render_to_string(f"emails/{email.template}.txt", context)
        html = render_to_string(f"emails/{email.template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[email.to])
    message.attach_alternative(html, "text/html")
    email.attempts += 1
    email.subject = subject
    try:
        message.send()
    except Exception as exc:
        email.status = OutgoingEmail.Status.FAILED
        email.last_error = f"{type(exc).__name__}: {exc}"
        email.save(update_fields=["attempts", "subject", "status", "last_error"])
        raise
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "subject", "status", "last_error", "sent_at"])
    return email


def email_resend(*, email: OutgoingEmail) -> OutgoingEmail:
    from badges.tasks import send_email

    email.status = OutgoingEmail.Status.PENDING
    email.save(update_fields=["status"])
    transaction.on_commit(lambda: send_email.delay(email.pk))
    return email


