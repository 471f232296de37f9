from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dialogue.demo import load_media
from goals.demo import load_goals
from goals.followup.demo import load_indicators
from vision.actors import system_actor
from vision.models import Unit, UnitRole
from vision.services import membership_grant

EDITOR_UNIT = "utbildningskontoret"


class Command(BaseCommand):
    help = "Load the Norrköping demo data set and the demo accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for the demo accounts (default: demo, DEBUG only).")
        parser.add_argument("--no-accounts", action="store_true", help="Load the data without accounts.")

    def handle(self, *args, password=None, no_accounts=False, **options):
        if not no_accounts and password is None and not settings.DEBUG:
            raise CommandError("DEBUG is off: give --password to create demo accounts, or use --no-accounts.")
        # The well-known demo password (or none at all) would open a server with DEBUG off to anyone.
        if not no_accounts and not settings.DEBUG and password in ("", "demo"):
            raise CommandError(
                "DEBUG is off: the demo accounts need a password of your own, not 'demo' or an empty one."
            )
        with transaction.atomic():
            created = load_goals()
            media_added = load_media()
            indicators_added = load_indicators()
            if not no_accounts:
                self.create_accounts(password or "demo")
        self.stdout.write("Loaded the demo data." if created else "The demo goal tree was already there.")
        self.stdout.write(
            "Added the demo media and workshops." if media_added else "The demo media were already there."
        )
        self.stdout.write(
            f"Demo indicators: {indicators_added} added, Kolada values from the offline snapshot."
        )

    def create_accounts(self, password: str) -> None:
        User = get_user_model()
        accounts = {
            "admin": {"is_staff": True, "is_superuser": True, "email": "admin@example.org"},
            "redaktor": {"is_staff": True, "is_superuser": False, "email": "redaktor@example.org"},
            "lasare": {"is_staff": False, "is_superuser": False, "email": "lasare@example.org"},
        }
        users = {}
        for username, fields in accounts.items():
            user, _ = User.objects.update_or_create(username=username, defaults=fields)
            user.set_password(password)
            user.save()
            users[username] = user
        unit = Unit.objects.get(slug=EDITOR_UNIT)
        by = system_actor()
        membership_grant(by=by, user=users["redaktor"], unit=unit, role=UnitRole.EDITOR)
        membership_grant(by=by, user=users["lasare"], unit=unit, role=UnitRole.VIEWER)
        self.stdout.write(f"Demo accounts: admin, redaktor (editor of {unit.name}), lasare.")
