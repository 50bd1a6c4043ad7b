from django import forms
from django.utils.translation import gettext_lazy as _

NEW = "new"


class InvitationForm(forms.Form):
    target = forms.ChoiceField(label=_("À recommander"))
    organisation_name = forms.CharField(label=_("Organisation invitée"), max_length=200)
    email = forms.EmailField(label=_("Son adresse e-mail"))
    message = forms.CharField(label=_("Votre message"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


class EndorseForm(forms.Form):
    endorser = forms.ChoiceField(label=_("Au nom de"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Nom de l'organisation"), max_length=200, required=False)
    url = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    description = forms.CharField(label=_("Présentation de l'organisation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    statement = forms.CharField(label=_("Votre recommandation"),
                                help_text=_("Par exemple : « Nous apprécions ce badge car… »"),
                                widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, endorsers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(e.pk), e.name) for e in endorsers]
        self.fields["endorser"].choices = [*choices, (NEW, _("Une nouvelle organisation"))]
        self.fields["endorser"].initial = choices[0][0] if choices else NEW

    def clean(self) -> dict:
        data = super().clean()
        if data.get("endorser") == NEW and not data.get("name", "").strip():
            self.add_error("name", _("Indiquez le nom de l'organisation."))
        return data
