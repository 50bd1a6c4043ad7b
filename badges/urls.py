from django.urls import path

from badges.views import public, wallet

app_name = "badges"
urlpatterns = [
    path("classes/<uuid:public_id>/", public.badge_class_detail, name="class_detail"),
    path("assertions/<uuid:public_id>/", public.assertion_detail, name="assertion_detail"),
    path("claim/<str:token>/", wallet.claim, name="claim"),
]
