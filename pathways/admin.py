from django.contrib import admin

from pathways.models import Enrolment, Pathway, PathwayStep


class PathwayStepInline(admin.TabularInline):
    model = PathwayStep
    extra = 0
    ordering = ["order"]
    autocomplete_fields = ["badge_class"]
    fields = ["order", "badge_class", "min_delay_days", "condition"]


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "key_badge", "completion_rule", "position"]
    list_filter = ["issuer", "completion_rule"]
    search_fields = ["name", "description", "issuer__name"]
    autocomplete_fields = ["issuer", "key_badge"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [PathwayStepInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["recipient_email", "pathway", "started_on", "completed_at"]
    list_filter = ["pathway__issuer", "pathway"]
    search_fields = ["recipient_email", "recipient_name", "pathway__name"]
    autocomplete_fields = ["pathway", "user"]
    readonly_fields = ["completed_at", "key_assertion"]
