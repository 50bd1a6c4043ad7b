from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from badges.services.uploads import badge_file_read


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Image du badge (PNG ou SVG)"), required=False)
    text = forms.CharField(
        label=_("ou : adresse (URL), JSON, JWS ou JWT du badge"), required=False, max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}))
    email = forms.EmailField(label=_("Vérifier aussi qu'il appartient à cette adresse e-mail (facultatif)"),
                             required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        return badge_file_read(upload) if upload else None

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip() and not self.errors:
            raise ValidationError(_("Déposez une image de badge ou collez son adresse ou son contenu."))
        return data
