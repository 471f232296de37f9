from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionConfig(AppConfig):
    verbose_name = _("Vision and organisation")
    name = "vision"
