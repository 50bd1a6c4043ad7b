"""What the issuers app announces (badges listens; issuers never imports badges)."""

from django.dispatch import Signal

# Sent after the transaction that replaced an issuer's active key commits; kwargs: issuer_id, algorithm.
signing_key_rotated = Signal()
