"""How the admin shows values a reader should not have to decode."""

from django.contrib import admin
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _


def yes_no_icon(value: bool | None) -> str:
    """The admin's yes/no icon with a translated text alternative (Django's own reads alt="False")."""
    icon, text = {True: ("yes", _("Yes")), False: ("no", _("No")), None: ("unknown", _("Unknown"))}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


class UnitKindFilter(admin.ChoicesFieldListFilter):
    """A unit's kind, titled as a reader knows it ("enhetstyp", not Django's "På slag")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("unit kind")
