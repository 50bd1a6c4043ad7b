from django.urls import path

from endorsements import views

app_name = "endorsements"
urlpatterns = [
    path("endorsers/<uuid:public_id>/", views.endorser_detail, name="endorser_detail"),
]
