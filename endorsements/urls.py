from django.urls import path

from endorsements import views

app_name = "endorsements"
urlpatterns = [
    path("endorsers/<uuid:public_id>/", views.endorser_detail, name="endorser_detail"),
    path("ob/endorsers/<uuid:public_id>", views.endorser_document, name="endorser_document"),
    path("ob/<uuid:public_id>", views.endorsement_document, name="document"),
]
