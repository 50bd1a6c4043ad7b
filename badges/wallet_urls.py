"""The beneficiary's wallet ("passeport"): badges, sharing, public profile, import, my data."""

app_name = "wallet"
urlpatterns: list = []
