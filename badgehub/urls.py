from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from badgehub import views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("issuers/", include("issuers.urls")),
    # Activity reports keep the address they had under /badges/.
    path("badges/bilans/", include("reports.urls")),
    path("badges/", include("badges.urls")),
    path("ob/", include("badges.ob_urls")),
    path("compte/", include("badges.accounts_urls")),
    path("partenaire/", include("badges.partner_urls")),
    path("api/", include("badges.api_urls")),
    path("passeport/", include("badges.wallet_urls")),
    path("pathways/", include("pathways.urls")),
    path("endorsements/", include("endorsements.urls")),
]

if not settings.PRODUCTION:
    # In production the media files are served by the web server / object store.
    urlpatterns += [path("media/<path:path>", views.media)]
