"""What network admins see of the OB 3.0 API: who registered, which platforms we registered with."""

from django.contrib import admin

from badges.ob3api.models import ClientProfile, RemotePlatform


@admin.register(ClientProfile)
class ClientProfileAdmin(admin.ModelAdmin):
    list_display = ("application", "client_uri", "software_id", "registered_from", "created_at")
    search_fields = ("application__name", "client_uri", "software_id")
    readonly_fields = ("application", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id",
                       "software_version", "scope", "registered_from", "created_at")


@admin.register(RemotePlatform)
class RemotePlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "discovery_url", "created_at")
    # The client secret (encrypted) is never shown; deleting a row makes the next send register again.
    fields = ("name", "discovery_url", "authorization_url", "token_url", "credentials_url", "redirect_uri",
              "client_id", "created_at")
    readonly_fields = fields
