from django.urls import path

from pathways import views

app_name = "pathways"
urlpatterns = [
    path("<uuid:public_id>/", views.pathway_detail, name="detail"),
]
