from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Adresse e-mail ou identifiant"), max_length=254,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))

# --- Partner space: issuing, CSV batches, applications, staff -------------------

class RecipientsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        from badges.services import recipients_parse

        value = super().clean(value)
        recipients, errors = recipients_parse(value or "")
        if errors:
            raise forms.ValidationError(errors)
        if not recipients:
            raise forms.ValidationError(_("Indiquez au moins une personne."))
        return value


def _validated_upload(upload):
    from django.core.exceptions import ValidationError

    from badges.services import upload_validate

    if not upload:
        return None
    try:
        return upload_validate(upload=upload)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages)


class IssueForm(forms.Form):
    recipients = RecipientsField(
        label=_("Bénéficiaire(s)"),
        help_text=_("Une personne par ligne : Prénom Nom <adresse@exemple.fr>. Plusieurs lignes pour un groupe."),
    )
    narrative = forms.CharField(
        label=_("Observation"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que vous avez vu la personne faire."),
    )
    evidence_url = forms.URLField(label=_("Lien vers une preuve"), required=False, assume_scheme="https")
    evidence_file = forms.FileField(
        label=_("Fichier ou photo"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.svg"}),
    )
    # ISO value: a type=date input ignores a localised "23/11/2026".
    issued_on = forms.DateField(label=_("Date de l'observation"),
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, badge_class, kept_file_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.badge_class = badge_class
        self.kept_file_name = kept_file_name
        if kept_file_name:
            self.fields["evidence_file"].help_text = _("Fichier déjà joint : %(name)s") % {"name": kept_file_name}

    def clean_evidence_file(self):
        return _validated_upload(self.cleaned_data.get("evidence_file"))

    def clean_issued_on(self):
        from django.utils import timezone

        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return day

    def clean(self):
        data = super().clean()
        has_evidence = data.get("narrative") or data.get("evidence_url") or data.get("evidence_file") or \
            self.kept_file_name or "evidence_file" in self.errors
        if self.badge_class.evidence_required and not has_evidence:
            raise forms.ValidationError(_("Ce badge demande une preuve : une observation, un lien ou un fichier."))
        return data


class BatchUploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV"), widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}))
    narrative = forms.CharField(
        label=_("Observation commune (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Utilisée pour les lignes sans observation."),
    )

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.BADGEHUB_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Ce fichier est trop volumineux."))
        data = upload.read()
        if b"\x00" in data[:4096]:
            raise forms.ValidationError(_("Ce fichier n'est pas un fichier CSV (texte)."))
        return data

class ApplicationStartForm(forms.Form):
    name = forms.CharField(label=_("Votre nom"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Votre adresse e-mail"),
                             help_text=_("Vous y recevrez un lien pour reprendre votre demande plus tard."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ApplicationForm(forms.Form):
    """The badge's questions, plus one new piece of evidence per save."""

    evidence_text = forms.CharField(label=_("Décrivez ce que vous avez fait"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    evidence_url = forms.URLField(label=_("Lien vers une preuve"), required=False, assume_scheme="https")
    evidence_file = forms.FileField(
        label=_("Fichier ou photo"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.svg"}),
    )

    def __init__(self, *args, questions: list[str], answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        answers = answers or {}
        question_fields = {}
        for index, question in enumerate(questions):
            question_fields[f"question_{index}"] = forms.CharField(
                label=question, required=False, initial=answers.get(question, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        # Questions first, then the evidence.
        self.fields = {**question_fields, **self.fields}

    def clean_evidence_file(self):
        return _validated_upload(self.cleaned_data.get("evidence_file"))

    def answers(self) -> dict[str, str]:
        return {q: self.cleaned_data.get(f"question_{i}", "") for i, q in enumerate(self.questions)}


class ReviewForm(forms.Form):
    DECISIONS = [("accept", _("Accepter et délivrer le badge")), ("more", _("Demander des preuves complémentaires")),
                 ("refuse", _("Refuser"))]
    decision = forms.ChoiceField(label=_("Décision"), choices=DECISIONS, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Commentaire pour le demandeur"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class SelfIssueForm(forms.Form):
    narrative = forms.CharField(label=_("Ce que vous savez faire (facultatif)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    evidence_url = forms.URLField(label=_("Lien vers une preuve (facultatif)"), required=False, assume_scheme="https")

class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la révocation"), max_length=300,
                             help_text=_("Il est communiqué à la personne et figure dans la liste de révocation."))


class CorrectForm(forms.Form):
    recipient_name = forms.CharField(label=_("Nom du bénéficiaire"), max_length=200, required=False)
    recipient_email = forms.EmailField(label=_("E-mail du bénéficiaire"))
    narrative = forms.CharField(label=_("Observation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # ISO value: a type=date input ignores a localised "23/11/2026".
    issued_on = forms.DateField(label=_("Date de l'observation"),
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
# --- end of partner space


# --- Beneficiary accounts and wallet ----------------------------------------

class SignupForm(forms.Form):
    name = forms.CharField(label=_("Votre nom"), max_length=150,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Votre adresse e-mail"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Choisissez un mot de passe"), strip=False,
                               help_text=_("Au moins 8 caractères."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class ClaimSignupForm(forms.Form):
    """Sign-up on a claim page: the e-mail is the one the badge was sent to."""

    name = forms.CharField(label=_("Votre nom"), max_length=150,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password = forms.CharField(label=_("Choisissez un mot de passe"), strip=False,
                               help_text=_("Au moins 8 caractères."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ShownDetailsForm(forms.Form):
    show_evidence = forms.BooleanField(label=_("Montrer les preuves"), required=False)
    show_narrative = forms.BooleanField(label=_("Montrer l'observation du médiateur"), required=False)


class WalletProfileForm(forms.Form):
    public = forms.BooleanField(label=_("Ma page est publique"), required=False)
    slug = forms.SlugField(label=_("Adresse de ma page"), max_length=60, required=False,
                           help_text=_("Lettres, chiffres et tirets, par exemple : sam-martin"))
    display_name = forms.CharField(label=_("Nom affiché"), max_length=200, required=False)
    headline = forms.CharField(label=_("Présentation en une phrase"), max_length=300, required=False)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Je confirme"), required=True)

class ImportForm(forms.Form):
    file = forms.FileField(label=_("Image du badge (PNG ou SVG)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}))
    text = forms.CharField(label=_("Ou collez le lien, le JSON ou le JWT du badge"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}))

    def clean_file(self):
        """The bytes of the badge file, checked like every upload (services.uploads)."""
        from django.core.exceptions import ValidationError

        from badges.services.uploads import badge_file_read

        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        try:
            return badge_file_read(upload)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip() and "file" not in self.errors:
            raise forms.ValidationError(_("Choisissez une image de badge ou collez son lien."))
        return data


class DeskIssueForm(forms.Form):
    """A badge handed over at the desk: the person's name, no e-mail address."""

    recipient_name = forms.CharField(label=_("Nom de la personne"), max_length=200,
                                     widget=forms.TextInput(attrs={"autocomplete": "off"}))
    narrative = forms.CharField(label=_("Ce que vous avez observé"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    issued_on = forms.DateField(label=_("Date de l'observation"),
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def clean_issued_on(self):
        from django.utils import timezone

        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return day


class DeskCodeForm(forms.Form):
    code = forms.CharField(label=_("Le code affiché par le médiateur"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "inputmode": "text"}))


class DeskAccountForm(forms.Form):
    """A passport created on the spot: the e-mail address is optional."""

    name = forms.CharField(label=_("Votre nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Votre adresse e-mail (facultatif, vous pourrez l'ajouter plus tard)"),
                             required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Choisissez un mot de passe"), strip=False,
                               help_text=_("Au moins 8 caractères."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class DeskDownloadForm(forms.Form):
    email = forms.EmailField(label=_("Votre adresse e-mail (le badge la porte, de façon masquée)"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
