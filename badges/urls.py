from django.urls import path

from badges.views import downloads, public, verifier, wallet

app_name = "badges"
urlpatterns = [
    path("classes/<uuid:public_id>/", public.badge_class_detail, name="class_detail"),
    path("assertions/<uuid:public_id>/", public.assertion_detail, name="assertion_detail"),
    path("verifier/", verifier.verify_page, name="verify"),
    path("verifier/<str:token>/", verifier.verify_result, name="verify_result"),
    path("assertions/<uuid:public_id>/download/<str:fmt>", downloads.assertion_download, name="assertion_download"),
    path("claim/<str:token>/", wallet.claim, name="claim"),
]
