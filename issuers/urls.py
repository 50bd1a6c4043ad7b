from django.urls import path

from issuers import views

app_name = "issuers"
urlpatterns = [
    path("<uuid:public_id>/", views.issuer_detail, name="detail"),
]
