from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    verbose_name = _("Dialogue")
    name = "dialogue"

    def ready(self):
        from dialogue.search import SLIDES
        from vision.search_sources import register

        register(SLIDES)
