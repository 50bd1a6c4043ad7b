"""Writes of the badges app. Views, the API, admin actions and tasks call these."""

from badges.services.accounts import email_address_add
from badges.services.emails import email_queue, email_resend, email_send
from badges.services.issuing import EvidenceInput, assertion_issue, assertion_revoke, evidence_add

__all__ = ["EvidenceInput", "assertion_issue", "assertion_revoke", "email_address_add", "email_queue",
           "email_resend", "email_send", "evidence_add"]

from badges.services.batches import (  # noqa: E402
    Recipient,
    assertion_issue_many,
    batch_create,
    batch_rejected_csv,
    batch_run,
    batch_start,
    csv_check,
    recipients_parse,
)
from badges.services.uploads import upload_validate  # noqa: E402

__all__ += ["Recipient", "assertion_issue_many", "batch_create", "batch_rejected_csv", "batch_run", "batch_start",
            "csv_check", "recipients_parse", "upload_validate"]
