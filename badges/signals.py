"""What the badges app announces. Other apps (pathways, endorsements) listen;
badges never imports them."""

from django.dispatch import Signal

# Sent after the transaction that issued the assertion commits; kwargs: assertion_id.
assertion_issued = Signal()
# The same for a chunk of a bulk issue (one badge class); kwargs: assertion_ids, badge_class_id.
# Listeners of assertion_issued must listen to this one too.
assertions_issued = Signal()
# Sent after the transaction that revoked the assertion commits; kwargs: assertion_id.
assertion_revoked = Signal()
