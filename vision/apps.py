from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionConfig(AppConfig):
    verbose_name = _("Vision and organisation")
    name = "vision"

    def ready(self):
        from vision import sqlite_ints

        sqlite_ints.register()
