from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    verbose_name = _("Dialogue")
    name = "dialogue"
