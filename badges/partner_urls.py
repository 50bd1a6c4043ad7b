"""The partner space ("espace partenaire"): issuing, applications review, staff pages."""

app_name = "partner"
urlpatterns: list = []
