"""Writes of the badges app. Views, the API, admin actions and tasks call these."""

from badges.services.accounts import email_address_add
from badges.services.emails import email_queue, email_resend, email_send
from badges.services.issuing import (
    EvidenceInput,
    assertion_finalise_queue,
    assertion_issue,
    assertion_revoke,
    evidence_add,
)

__all__ = ["EvidenceInput", "assertion_finalise_queue", "assertion_issue", "assertion_revoke", "email_address_add",
           "email_queue",
           "email_resend", "email_send", "evidence_add"]

from badges.services.applications import (  # noqa: E402
    application_accept,
    application_refuse,
    application_request_more,
    application_save,
    application_start,
    application_submit,
    assertion_self_issue,
)
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
from badges.services.corrections import assertion_correct  # noqa: E402
from badges.services.uploads import upload_validate  # noqa: E402

__all__ += ["Recipient", "application_accept", "application_refuse", "application_request_more", "application_save",
            "application_start", "application_submit", "assertion_correct", "assertion_issue_many",
            "assertion_self_issue", "batch_create", "batch_rejected_csv", "batch_run", "batch_start", "csv_check",
            "recipients_parse", "upload_validate"]

from badges.services.accounts import (  # noqa: E402
    account_create,
    account_delete,
    email_address_remove,
    email_address_request,
    email_verification_confirm,
    login_link_send,
    login_link_use,
)
from badges.services.wallet import (  # noqa: E402
    assertion_claim,
    assertion_decline,
    assertion_set_shown_details,
    assertion_set_visibility,
    wallet_profile_update,
)

__all__ += ["account_create", "account_delete", "assertion_claim", "assertion_decline", "assertion_set_shown_details",
            "assertion_set_visibility", "email_address_remove", "email_address_request", "email_verification_confirm",
            "login_link_send", "login_link_use", "wallet_profile_update"]
