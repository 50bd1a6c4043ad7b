from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from oauth2_provider.views import OAuthServerMetadataView

from badgehub import media, views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("issuers/", include("issuers.urls")),
    # Activity reports keep the address they had under /badges/.
    path("badges/bilans/", include("badges.reports.urls")),
    path("badges/", include("badges.urls")),
    path("ob/", include("badges.ob_urls")),
    path("compte/", include("badges.accounts_urls")),
    path("partenaire/", include("badges.partner_urls")),
    path("partenaire/", include("issuers.audit.urls")),
    path("api/v1/", include("badges.api_v1.urls")),
    path("api/", include("badges.api_urls")),
    path("passeport/", include("badges.wallet_urls")),
    path("", include("badges.wallets.urls")),
    path("pathways/", include("pathways.urls")),
    # The 1EdTech Open Badges 3.0 API and its OAuth 2.0 server (RFC 8414 metadata at the root).
    path("ims/ob/v3p0/oauth/", include("badges.ob3api.oauth_urls")),
    path("ims/ob/v3p0/", include("badges.ob3api.urls")),
    path(".well-known/oauth-authorization-server", OAuthServerMetadataView.as_view(), name="oauth_metadata"),
    path("endorsements/", include("endorsements.urls")),
    # Stored files, each behind the rule of what it belongs to, in production too.
    path(settings.MEDIA_URL.strip("/") + "/<path:path>", media.media, name="media"),
]
