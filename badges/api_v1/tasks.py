"""Thin tasks of the API's webhooks (imported by ``badges.tasks`` so Celery finds them)."""

from celery import shared_task


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def deliver_webhook(delivery_id: int) -> str:
    from badges.api_v1.webhooks import webhook_attempt

    return webhook_attempt(delivery_id=delivery_id)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def resend_webhook(delivery_id: int) -> str:
    from badges.api_v1.webhooks import webhook_attempt

    return webhook_attempt(delivery_id=delivery_id, manual=True)


@shared_task
def sweep_webhooks() -> int:
    from badges.api_v1.webhooks import webhook_deliveries_due

    return webhook_deliveries_due()
