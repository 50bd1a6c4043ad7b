"""The issuers' REST API v1 (``/api/v1/``): scoped tokens, the operations a partner's own
tools need, its OpenAPI schema, and signed webhooks telling them what happened."""
