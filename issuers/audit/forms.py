from django import forms
from django.utils.translation import gettext_lazy as _

from issuers.audit.models import AuditEvent


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("Toutes"))] + list(AuditEvent.Action.choices))
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Personne ou objet"), required=False, max_length=200)
