from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pathways.models import Enrolment, Pathway, PathwayStep
from pathways.selectors import pathway_map
from pathways.services import pathway_key_badge_make_automatic


class PathwayStepInline(admin.TabularInline):
    model = PathwayStep
    extra = 0
    ordering = ["order"]
    autocomplete_fields = ["badge_class"]
    fields = ["order", "badge_class", "min_delay_days", "condition"]
    # Narrow widgets: the steps fit a laptop screen without sideways scrolling.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})},
        models.PositiveIntegerField: {"widget": forms.NumberInput(attrs={"class": "vSmallIntegerField"})},
    }


class PathwayAdminForm(forms.ModelForm):
    class Meta:
        model = Pathway
        fields = ["issuer", "name", "description", "key_badge", "completion_rule", "min_steps", "position"]
        help_texts = {
            "key_badge": gettext_lazy(
                "Le badge-clé est délivré automatiquement à chaque personne qui a obtenu les étapes du parcours. "
                "L'enregistrer le règle sur « automatique sur critères » : il n'est plus délivré à la main, "
                "ni sur demande."),
        }


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    form = PathwayAdminForm
    list_display = ["name", "issuer", "key_badge", "completion_rule", "position"]
    list_filter = ["issuer", "completion_rule"]
    search_fields = ["name", "description", "issuer__name"]
    autocomplete_fields = ["issuer", "key_badge"]
    readonly_fields = ["public_id", "created_at", "picture"]
    inlines = [PathwayStepInline]

    class Media:
        css = {"all": ["css/admin_pathways.css"]}

    @admin.display(description=gettext_lazy("Les étapes en image"))
    def picture(self, pathway: Pathway) -> str:
        if not pathway.pk:
            return _("L'image des étapes apparaît une fois le parcours enregistré.")
        return render_to_string("pathways/_path_map.html", {"steps": pathway_map(pathway=pathway).steps})

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        pathway = form.instance
        if pathway.key_badge_id and pathway_key_badge_make_automatic(pathway=pathway):
            self.message_user(request, _(
                "Le badge-clé « %(badge)s » est désormais délivré automatiquement quand les étapes sont obtenues."
            ) % {"badge": pathway.key_badge.name}, messages.INFO)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["recipient_email", "pathway", "started_on", "completed_at"]
    list_filter = ["pathway__issuer", "pathway"]
    search_fields = ["recipient_email", "recipient_name", "pathway__name"]
    autocomplete_fields = ["pathway", "user"]
    readonly_fields = ["completed_at", "key_assertion"]
