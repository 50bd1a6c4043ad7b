"""Dates as people read them in an e-mail: "15 décembre 2026", not "2026-12-15".

E-mail contexts are stored as JSON (an e-mail can be sent again days later), so their
dates arrive as ISO strings; this filter turns them back into words in the reader's language."""

from datetime import date, datetime

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def in_words(value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, date):
        return value
    return date_format(value, "j F Y")
