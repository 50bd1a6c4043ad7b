"""The beneficiary's wallet ("passeport"): badges, sharing, public profile, import, my data."""

from django.urls import path

from badges.ob3api import consumer_views
from badges.ob3api import views as ob3api_views
from badges.views import wallet
from badges.wallets import views as wallets

app_name = "wallet"
urlpatterns = [
    path("", wallet.home, name="home"),
    path("badges/<uuid:public_id>/", wallet.badge, name="badge"),
    path("badges/<uuid:public_id>/visibilite/", wallet.badge_visibility, name="badge_visibility"),
    path("badges/<uuid:public_id>/details/", wallet.badge_details, name="badge_details"),
    path("badges/<uuid:public_id>/qr.<str:fmt>", wallet.badge_qr, name="badge_qr"),
    path("badges/<uuid:public_id>/portefeuille/", wallets.add_to_wallet, name="add_to_wallet"),
    path("badges/<uuid:public_id>/imprimer/", wallet.badge_print, name="badge_print"),
    path("badges/<uuid:public_id>/telecharger/<str:fmt>/", wallet.badge_download, name="badge_download"),
    # Sending a badge to another Open Badges 3.0 platform (badges/ob3api/consumer_views.py).
    path("badges/<uuid:public_id>/envoyer/", consumer_views.send_to_platform, name="send_to_platform"),
    path("plateformes/retour/", consumer_views.platform_callback, name="platform_callback"),
    # Applications connected through the Open Badges 3.0 API.
    path("applications/", ob3api_views.connected_apps, name="connected_apps"),
    path("applications/<str:client_id>/deconnecter/", ob3api_views.disconnect_app, name="disconnect_app"),
    path("ma-page/", wallet.profile_edit, name="profile_edit"),
    path("p/<slug:slug>/", wallet.profile, name="profile"),
    path("mes-donnees/", wallet.my_data, name="my_data"),
    path("importer/", wallet.import_badge, name="import"),
    path("importes/<uuid:public_id>/", wallet.imported, name="imported"),
    path("importes/<uuid:public_id>/visibilite/", wallet.imported_visibility, name="imported_visibility"),
    path("importes/<uuid:public_id>/qr.<str:fmt>", wallet.imported_qr, name="imported_qr"),
    path("importes/<uuid:public_id>/imprimer/", wallet.imported_print, name="imported_print"),
    path("importes/<uuid:public_id>/retirer/", wallet.imported_delete, name="imported_delete"),
]
