"""Webhooks: an issuer's system is told what happened by signed POSTs.

Each delivery is signed with HMAC-SHA256 over ``<timestamp>.<body>`` with the endpoint's
secret and sent in the ``Webhook-Signature: t=<timestamp>,v1=<hex>`` header; receivers
refuse a timestamp older than ``REPLAY_WINDOW_S`` (README). Failed deliveries are tried
again with exponential backoff for ``RETRY_FOR`` (24 h); an endpoint that has failed for
24 h is disabled and the issuer's staff told by e-mail. Targets go through the
verifier's safe fetcher: no private-network address in production."""

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.api_v1.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from badges.services.queueing import task_queue
from issuers.audit.models import AuditEvent
from issuers.audit.services import audit_record
from issuers.keystore import decrypt_private_key, encrypt_private_key
from issuers.models import Issuer, Membership

logger = logging.getLogger(__name__)

REPLAY_WINDOW_S = 300
RETRY_FOR = timedelta(hours=24)
FIRST_RETRY_S = 30
MAX_RETRY_DELAY_S = 3600
# A retry due sooner than this is queued with a countdown; later ones are picked up by
# the sweeper (a Celery countdown must stay below the broker's visibility timeout).
COUNTDOWN_LIMIT_S = 600
ATTEMPT_TIMEOUT_S = 10.0
MAX_ENDPOINTS_PER_ISSUER = 10


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_verify(*, secret: str, header: str, body: bytes, now: float | None = None,
                     window_s: int = REPLAY_WINDOW_S) -> bool:
    """What a receiver does (README): the timestamp is recent and one v1 signature matches."""
    parts = [item.split("=", 1) for item in header.split(",") if "=" in item]
    stamps = [value for key, value in parts if key.strip() == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs((time.time() if now is None else now) - timestamp) > window_s:
        return False
    expected = signature_header(secret=secret, timestamp=timestamp, body=body).split("v1=")[1]
    return any(key.strip() == "v1" and hmac.compare_digest(value.strip(), expected) for key, value in parts)


def _check_staff(user: AbstractBaseUser, issuer: Issuer) -> None:
    if not Membership.objects.filter(user=user, issuer=issuer, role__in=Membership.STAFF_ROLES).exists():
        raise PermissionDenied(_("Seuls les propriétaires et administrateurs de la structure gèrent les webhooks."))


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return decrypt_private_key(bytes(endpoint.secret_encrypted)).decode()


def _names_a_private_host(url: str) -> bool:
    import ipaddress
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False  # a name: resolved and checked when sending


@transaction.atomic
def webhook_endpoint_create(*, issuer: Issuer, created_by: AbstractBaseUser, url: str,
                            events: list[str]) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown once)."""
    _check_staff(created_by, issuer)
    if not events or set(events) - set(Event.values):
        raise ValidationError({"events": _("Choisissez au moins un événement.")})
    if WebhookEndpoint.objects.filter(issuer=issuer).count() >= MAX_ENDPOINTS_PER_ISSUER:
        raise ValidationError(_("Une structure déclare au plus %(n)d webhooks.") % {"n": MAX_ENDPOINTS_PER_ISSUER})
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    endpoint = WebhookEndpoint(issuer=issuer, created_by=created_by, url=url.strip(), events=sorted(set(events)),
                               secret_encrypted=encrypt_private_key(secret.encode()))
    endpoint.full_clean()
    if not endpoint.url.startswith(("https://", "http://")) or (settings.PRODUCTION
                                                                 and not endpoint.url.startswith("https://")):
        raise ValidationError({"url": _("Indiquez une adresse https.") if settings.PRODUCTION
                               else _("Indiquez une adresse http(s).")})
    if not settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE and _names_a_private_host(endpoint.url):
        # Told now rather than at the first delivery; names are checked again at each send (DNS).
        raise ValidationError({"url": _("Cette adresse est celle d'un réseau privé : indiquez une adresse publique.")})
    endpoint.save()
    audit_record(action=AuditEvent.Action.WEBHOOK_CREATED, actor=created_by, issuer=issuer, object_type="webhook",
                 object_id=endpoint.public_id, object_label=endpoint.url, details={"events": endpoint.events})
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, deleted_by: AbstractBaseUser) -> None:
    _check_staff(deleted_by, endpoint.issuer)
    audit_record(action=AuditEvent.Action.WEBHOOK_DELETED, actor=deleted_by, issuer=endpoint.issuer,
                 object_type="webhook", object_id=endpoint.public_id, object_label=endpoint.url)
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint, enabled_by: AbstractBaseUser) -> WebhookEndpoint:
    _check_staff(enabled_by, endpoint.issuer)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=True, disabled_at=None, failing_since=None)
    endpoint.refresh_from_db()
    return endpoint


def webhook_event(*, issuer_id: int, event: str, data: dict) -> int:
    """Record ``event`` for every active endpoint of the issuer that listens to it, and
    send each once the current transaction commits; returns how many deliveries."""
    return webhook_events(issuer_id=issuer_id, event=event, items=[data])


def webhook_events(*, issuer_id: int, event: str, items: Iterable[dict]) -> int:
    """The same for many events of one kind (a chunk of a bulk issue): one query when no
    endpoint listens, which is the common case. ``items`` may be a generator: it is only
    read when an endpoint listens."""
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(issuer_id=issuer_id, active=True)
                 if event in endpoint.events]
    if not endpoints:
        return 0
    items = list(items)
    if not items:
        return 0
    from badges.api_v1.tasks import deliver_webhook

    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        for data in items:
            delivery = WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now, payload={})
            delivery.payload = {"id": str(delivery.public_id), "type": event, "created": now.isoformat(),
                                "data": data}
            deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        task_queue(deliver_webhook, delivery.pk)
    return len(deliveries)


def assertion_data(assertion) -> dict:
    """What a webhook tells of an assertion (the API's reads give the rest)."""
    from django.urls import reverse

    return {"assertion": {
        "id": str(assertion.public_id),
        "badge_class": str(assertion.badge_class.public_id),
        "recipient_email": assertion.recipient_email,
        "issued_on": assertion.issued_on.isoformat(),
        "status": assertion.status,
        "visibility": assertion.visibility,
        "revocation_reason": assertion.revocation_reason,
        "url": settings.SITE_URL + reverse("badges:assertion_detail", kwargs={"public_id": assertion.public_id}),
        "api_url": settings.SITE_URL + reverse("api_v1:assertion_detail", kwargs={"public_id": assertion.public_id}),
    }}


def assertion_event(*, assertion, event: str) -> int:
    return webhook_event(issuer_id=assertion.badge_class.issuer_id, event=event, data=assertion_data(assertion))


def application_event(*, application, event: str) -> int:
    data = {"application": {
        "id": str(application.public_id),
        "badge_class": str(application.badge_class.public_id),
        "applicant_email": application.applicant_email,
        "status": application.status,
        "assertion": str(application.assertion.public_id) if application.assertion_id else None,
    }}
    return webhook_event(issuer_id=application.badge_class.issuer_id, event=event, data=data)


def _retry_delay(attempts: int) -> int:
    return min(MAX_RETRY_DELAY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1))


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    from badges.verification import FetchRefused, safe_request

    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "badgehub-webhooks/1",
        "Webhook-Id": str(delivery.public_id),
        "Webhook-Event": delivery.event,
        "Webhook-Signature": signature_header(secret=endpoint_secret(endpoint), timestamp=int(time.time()),
                                              body=body),
    }
    try:
        status, _type, _content = safe_request("POST", endpoint.url, body=body, headers=headers,
                                               seconds=ATTEMPT_TIMEOUT_S)
        return status, ""
    except FetchRefused as exc:
        return None, str(exc)[:300]
    except Exception as exc:  # connection refused, TLS, reset…: the receiver is not answering
        return None, f"{type(exc).__name__}: {exc}"[:300]


def webhook_attempt(*, delivery_id: int, manual: bool = False) -> str:
    """Try one delivery now, if it is due (or ``manual``: the resend button); record the
    attempt and what follows (delivered, another try later, given up, endpoint disabled)."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(skip_locked=True).select_related("endpoint__issuer")
                    .filter(pk=delivery_id).first())
        if delivery is None:
            return "busy"  # deleted, or another worker is sending it right now
        endpoint = delivery.endpoint
        now = timezone.now()
        if delivery.status != WebhookDelivery.Status.PENDING:
            return delivery.status
        if not manual and (not endpoint.active or (delivery.next_attempt_at and delivery.next_attempt_at > now)):
            return "not due"
        started = time.monotonic()
        status_code, error = _post(endpoint, delivery)
        finished = timezone.now()
        ok = status_code is not None and 200 <= status_code < 300
        if not ok and not error:
            error = _("réponse HTTP %(code)d") % {"code": status_code}
        WebhookAttempt.objects.create(delivery=delivery, at=finished, status_code=status_code, error=error,
                                      duration_ms=int((time.monotonic() - started) * 1000))
        delivery.attempts += 1
        if ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                WebhookDelivery.Status.DELIVERED, finished, None)
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        elif finished - delivery.created_at >= RETRY_FOR and not manual:
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        elif manual:
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        else:
            delivery.next_attempt_at = finished + timedelta(seconds=_retry_delay(delivery.attempts))
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "delivered_at"])
        if not ok:
            _endpoint_failed(endpoint, at=finished)
        if delivery.status == WebhookDelivery.Status.PENDING:
            delay = (delivery.next_attempt_at - finished).total_seconds()
            if delay <= COUNTDOWN_LIMIT_S:
                from badges.api_v1.tasks import deliver_webhook

                task_queue(deliver_webhook, delivery.pk, countdown=max(1, int(delay)))
        return "delivered" if ok else delivery.status


def _endpoint_failed(endpoint: WebhookEndpoint, *, at) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.failing_since is None:
        endpoint.failing_since = at
        endpoint.save(update_fields=["failing_since"])
        return
    if not endpoint.active or at - endpoint.failing_since < RETRY_FOR:
        return
    endpoint.active, endpoint.disabled_at = False, at
    endpoint.save(update_fields=["active", "disabled_at"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
    audit_record(action=AuditEvent.Action.WEBHOOK_DISABLED, actor=None, issuer=endpoint.issuer,
                 object_type="webhook", object_id=endpoint.public_id, object_label=endpoint.url)
    from django.urls import reverse

    from badges.services.emails import email_queue

    link = settings.SITE_URL + reverse("partner:webhook_detail", kwargs={"issuer_id": endpoint.issuer.public_id,
                                                                         "public_id": endpoint.public_id})
    staff = Membership.objects.filter(issuer=endpoint.issuer, role__in=Membership.STAFF_ROLES).select_related("user")
    for address in sorted({m.user.email.lower() for m in staff if m.user.email}):
        email_queue(to=address, template="webhook_disabled", issuer=endpoint.issuer,
                    context={"issuer_name": endpoint.issuer.name, "url": endpoint.url, "link": link})


@transaction.atomic
def webhook_resend(*, delivery: WebhookDelivery, resent_by: AbstractBaseUser) -> WebhookDelivery:
    """The issuer's "Renvoyer": one more attempt now, whatever happened before."""
    _check_staff(resent_by, delivery.endpoint.issuer)
    from badges.api_v1.tasks import resend_webhook

    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.PENDING,
                                                          next_attempt_at=timezone.now())
    task_queue(resend_webhook, delivery.pk)
    delivery.refresh_from_db()
    return delivery


def webhook_deliveries_due(*, limit: int = 500) -> int:
    """The sweeper: queue pending deliveries whose next attempt is due (long backoffs, lost tasks)."""
    from badges.api_v1.tasks import deliver_webhook

    due = list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, endpoint__active=True,
                                              next_attempt_at__lte=timezone.now())
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in due:
        task_queue(deliver_webhook, pk)
    return len(due)
