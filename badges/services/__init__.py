"""Writes of the badges app. Views, the API, admin actions and tasks call these."""

from badges.services.accounts import (
    account_create,
    account_delete,
    email_address_add,
    email_address_remove,
    email_address_request,
    email_verification_confirm,
    login_link_send,
    login_link_use,
)
from badges.services.applications import (
    application_accept,
    application_evidence_remove,
    application_refuse,
    application_request_more,
    application_save,
    application_start,
    application_submit,
    assertion_self_issue,
)
from badges.services.batches import (
    Recipient,
    assertion_issue_many,
    batch_chunk_run,
    batch_create,
    batch_rejected_csv,
    batch_run,
    batch_start,
    csv_check,
    recipients_parse,
)
from badges.services.corrections import assertion_correct
from badges.services.emails import email_queue, email_resend, email_send
from badges.services.issuing import (
    EvidenceInput,
    assertion_finalise_queue,
    assertion_issue,
    assertion_revoke,
    evidence_add,
)
from badges.services.uploads import upload_validate
from badges.services.wallet import (
    assertion_claim,
    assertion_decline,
    assertion_set_shown_details,
    assertion_set_visibility,
    wallet_profile_update,
)

__all__ = [
    "EvidenceInput", "Recipient", "account_create", "account_delete", "application_accept",
    "application_evidence_remove", "application_refuse", "application_request_more", "application_save",
    "application_start", "application_submit", "assertion_claim",
    "assertion_correct", "assertion_decline", "assertion_finalise_queue", "assertion_issue", "assertion_issue_many",
    "assertion_revoke", "assertion_self_issue", "assertion_set_shown_details", "assertion_set_visibility",
    "batch_chunk_run", "batch_create", "batch_rejected_csv", "batch_run", "batch_start", "csv_check",
    "email_address_add",
    "email_address_remove", "email_address_request", "email_queue", "email_resend", "email_send",
    "email_verification_confirm", "evidence_add", "login_link_send", "login_link_use", "recipients_parse",
    "upload_validate", "wallet_profile_update",
]
