"""/api/v1/: str path converters, so that a malformed id answers a problem+json 404 too."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from badges.api_v1 import docs, views

app_name = "api_v1"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerDocs.as_view(url_name="api_v1:schema"), name="docs"),
    path("badge-classes/", views.BadgeClassListApi.as_view(), name="badge_class_list"),
    path("badge-classes/<str:public_id>/", views.BadgeClassDetailApi.as_view(), name="badge_class_detail"),
    path("assertions/", views.AssertionListApi.as_view(), name="assertion_list"),
    path("assertions/batch/", views.AssertionBatchApi.as_view(), name="assertion_batch"),
    path("assertions/<str:public_id>/", views.AssertionDetailApi.as_view(), name="assertion_detail"),
    path("assertions/<str:public_id>/revoke/", views.AssertionRevokeApi.as_view(), name="assertion_revoke"),
    path("jobs/<str:public_id>/", views.JobDetailApi.as_view(), name="job_detail"),
    path("applications/", views.ApplicationListApi.as_view(), name="application_list"),
    path("applications/<str:public_id>/accept/", views.ApplicationAcceptApi.as_view(), name="application_accept"),
    path("applications/<str:public_id>/refuse/", views.ApplicationRefuseApi.as_view(), name="application_refuse"),
    path("applications/<str:public_id>/request-more/", views.ApplicationRequestMoreApi.as_view(),
         name="application_request_more"),
    path("pathways/", views.PathwayListApi.as_view(), name="pathway_list"),
    path("pathways/<str:public_id>/progress/", views.PathwayProgressApi.as_view(), name="pathway_progress"),
]
