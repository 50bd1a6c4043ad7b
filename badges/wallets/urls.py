"""Machine endpoints of the wallet flows (the owner's screen is in badges.wallet_urls)."""

from django.urls import path

from badges.wallets import views

app_name = "wallets"
urlpatterns = [
    # Learner Credential Wallet: VC-API exchange (the id in the URL is the offer's secret).
    path("wallets/exchanges/<str:exchange_id>", views.exchange, name="exchange"),
    path("wallets/exchanges/<str:exchange_id>/protocols", views.exchange_protocols, name="exchange_protocols"),
    # OpenID4VCI: the credential issuer is SITE_URL; its authorization server is SITE_URL/oid4vci,
    # whose metadata RFC 8414 puts at /.well-known/oauth-authorization-server/oid4vci.
    path(".well-known/openid-credential-issuer", views.credential_issuer_metadata, name="oid4vci_metadata"),
    path(".well-known/oauth-authorization-server/oid4vci", views.authorization_server_metadata,
         name="oid4vci_as_metadata"),
    path("oid4vci/token", views.token, name="oid4vci_token"),
    path("oid4vci/nonce", views.nonce, name="oid4vci_nonce"),
    path("oid4vci/credential", views.credential, name="oid4vci_credential"),
]
