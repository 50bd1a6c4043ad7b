from django.urls import path

from badges.views import desk, downloads, public, verifier, wallet

app_name = "badges"
urlpatterns = [
    path("classes/<uuid:public_id>/", public.badge_class_detail, name="class_detail"),
    path("assertions/<uuid:public_id>/", public.assertion_detail, name="assertion_detail"),
    # The links a holder shares: count the open, then lead to the badge's page.
    path("partage/<uuid:public_id>/<str:source>/", public.share_open, name="share_open"),
    path("verifier/", verifier.verify_page, name="verify"),
    path("verifier/<str:token>/", verifier.verify_result, name="verify_result"),
    path("assertions/<uuid:public_id>/download/<str:fmt>", downloads.assertion_download, name="assertion_download"),
    path("claim/<str:token>/", wallet.claim, name="claim"),
    # A badge handed over at a mediator's desk: the short code is typed here, the QR code leads on.
    path("recevoir/", desk.desk_code, name="desk_code"),
    path("recevoir/<str:token>/", desk.desk_claim, name="desk_claim"),
    path("recevoir/<str:token>/telecharger/<str:fmt>/", desk.desk_download, name="desk_download"),
]
