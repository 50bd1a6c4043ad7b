"""What the badges app announces. Other apps (pathways, endorsements) listen;
badges never imports them."""

from django.dispatch import Signal

# Sent after the transaction that issued the assertion commits; kwargs: assertion_id.
assertion_issued = Signal()
# Sent after the transaction that revoked the assertion commits; kwargs: assertion_id.
assertion_revoked = Signal()
