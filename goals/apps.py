from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    verbose_name = _("Goals")
    name = "goals"

    def ready(self):
        # Cached trees and goal pages show unit and period names: renaming one starts
        # every period's cache afresh. (Cache upkeep, not a domain rule.)
        from django.db.models.signals import post_delete, post_save

        from goals.cache import bump_every_period
        from vision.models import MandatePeriod, Unit

        for model in (Unit, MandatePeriod):
            post_save.connect(bump_every_period, sender=model, dispatch_uid=f"goals-cache-{model.__name__}")
            post_delete.connect(
                bump_every_period, sender=model, dispatch_uid=f"goals-cache-del-{model.__name__}"
            )
