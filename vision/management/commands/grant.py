from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from vision.actors import system_actor
from vision.models import Unit, UnitRole
from vision.services import membership_grant


class Command(BaseCommand):
    help = "Give a user a role in a unit: grant USERNAME --unit SLUG --role editor|viewer."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--unit", required=True, help="The unit's slug.")
        parser.add_argument("--role", required=True, choices=UnitRole.values)

    def handle(self, *args, username, unit, role, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        try:
            unit_obj = Unit.objects.get(slug=unit)
        except Unit.DoesNotExist:
            raise CommandError(f"No unit with the slug {unit!r}.") from None
        membership_grant(by=system_actor(), user=user, unit=unit_obj, role=role)
        self.stdout.write(f"{username} is now {role} of {unit_obj.name} ({unit_obj.slug}).")
