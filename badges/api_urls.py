from django.urls import path

from badges import api

app_name = "api"
urlpatterns = [
    path("assertions/issue/", api.AssertionIssueApi.as_view(), name="assertion_issue"),
]
