"""Machine-facing Open Badges documents (ids of OB 2.0 issuers, keys, lists; OB 3.0 ids)."""

from django.urls import path

from badges.views import hosted

app_name = "ob"
urlpatterns = [
    path("v2/issuers/<uuid:public_id>", hosted.issuer_v2, name="issuer_v2"),
    path("issuers/<uuid:public_id>", hosted.issuer_v3, name="issuer"),
    # did:web:<host>:ob:issuers:<uuid> resolves here (did:web method: path + /did.json)
    path("issuers/<uuid:public_id>/did.json", hosted.issuer_did_document, name="issuer_did"),
    path("issuers/<uuid:public_id>/revocations", hosted.revocation_list, name="revocations"),
    path("issuers/<uuid:public_id>/status/<int:number>", hosted.status_list, name="status_list"),
    path("keys/<uuid:public_id>", hosted.key, name="key"),
    path("credentials/<uuid:public_id>", hosted.credential, name="credential"),
]
