from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from dialogue import services
from dialogue.models import Material
from vision.actors import system_actor


class Command(BaseCommand):
    help = (
        "Upload a version of the dialogue material (pptx or pdf) from a file, checked like an admin upload. "
        "For decks too large to send through the browser within the server's time-out."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--title", required=True)
        parser.add_argument("--material-version", dest="material_version", required=True)

    def handle(self, *args, file: Path, title: str, material_version: str, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with file.open("rb") as handle:
            material = Material(title=title, version=material_version, file=File(handle, name=file.name))
            try:
                services.material_upload(material=material, by=system_actor())
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Stored {material} ({material.get_kind_display()}, {filesizeformat(material.size)}, "
            f"{material.slide_count or '?'} slides, sha256 {material.sha256})."
        )
