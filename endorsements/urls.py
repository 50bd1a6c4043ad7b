from django.urls import path

from endorsements import views

app_name = "endorsements"
urlpatterns = [
    path("endorsers/<uuid:public_id>/", views.endorser_detail, name="endorser_detail"),
    path("ob/endorsers/<uuid:public_id>", views.endorser_document, name="endorser_document"),
    path("ob/<uuid:public_id>", views.endorsement_document, name="document"),
    # OB 3.0, laid out like the issuers' /ob/ documents
    path("ob/v3/endorsers/<uuid:public_id>", views.endorser_profile, name="endorser_profile"),
    # did:web:<host>:endorsements:ob:v3:endorsers:<uuid> resolves here
    path("ob/v3/endorsers/<uuid:public_id>/did.json", views.endorser_did_document, name="endorser_did"),
    path("ob/keys/<uuid:public_id>", views.endorser_key, name="key"),
    path("ob/credentials/<uuid:public_id>", views.endorsement_credential, name="credential"),
    path("issuers/<uuid:issuer_id>/", views.invitations, name="invitations"),
    path("issuers/<uuid:issuer_id>/inviter/", views.invitation_new, name="invitation_new"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<uuid:public_id>/retirer/", views.endorsement_withdraw, name="withdraw"),
]
