"""Writes of the badges app. Views, the API, admin actions and tasks call these."""

from badges.services.accounts import email_address_add
from badges.services.emails import email_queue, email_resend, email_send
from badges.services.issuing import EvidenceInput, assertion_issue, assertion_revoke, evidence_add

__all__ = ["EvidenceInput", "assertion_issue", "assertion_revoke", "email_address_add", "email_queue",
           "email_resend", "email_send", "evidence_add"]
