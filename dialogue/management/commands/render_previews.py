from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from dialogue import previews, services
from dialogue.kit.previews import render_kit_previews
from dialogue.models import Material, MaterialKind, PreviewStatus
from vision.actors import system_actor


class Command(BaseCommand):
    help = (
        "Render one PNG per slide of the dialogue material with LibreOffice (headless) and store them "
        "through the storage API. An upload schedules this for its deck; run it by hand (or from a timer) "
        "where DIALOGUE_PREVIEWS=manual. Without --material: every deck whose images are still to be made. "
        "With --kit UNIT: a unit's workshop kit instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--material", type=int, help="The id of one version of the material (renders it again)."
        )
        parser.add_argument("--kit", metavar="UNIT", help="The slug of a unit: render its workshop kit.")
        parser.add_argument("--period", help="The kit's mandate period (slug); the current one by default.")
        parser.add_argument("--lang", default="sv", choices=["sv", "en"])
        parser.add_argument("--minutes", default="90", choices=["60", "90"])

    def handle(self, *args, material=None, kit=None, period=None, lang="sv", minutes="90", **options):
        if not previews.can_render():
            raise CommandError(
                "LibreOffice (soffice) is not installed: apt-get install libreoffice-impress-nogui"
            )
        if kit:
            try:
                count = render_kit_previews(
                    unit_slug=kit, period_slug=period, language=lang, minutes=int(minutes)
                )
            except Http404 as error:
                raise CommandError(f"No unit {kit!r}, or no period {period!r}.") from error
            self.stdout.write(f"Rendered {count} slides of the kit for {kit}.")
            return
        decks = Material.objects.filter(kind=MaterialKind.PPTX)
        if material is not None:
            decks = decks.filter(pk=material)
            if not decks.exists():
                raise CommandError(f"No pptx material with id {material}.")
        else:
            decks = decks.filter(previews_status=PreviewStatus.PENDING)
        failed = 0
        for deck in decks:
            failed += not self.render(deck)
        if failed:
            raise CommandError(f"{failed} deck(s) could not be rendered; the reason is stored with each.")

    def render(self, material: Material) -> bool:
        old = [image["name"] for image in material.previews]
        prefix = f"dialogue/previews/material-{material.pk}-{material.sha256[:12]}"
        by = system_actor()
        try:
            with material.file.open("rb") as source:
                images = previews.render_deck(source, prefix, storage=material.file.storage)
        except (previews.RenderError, OSError) as error:
            services.material_store_previews(material=material, by=by, images=[], error=str(error))
            self.stderr.write(f"{material}: {error}")
            return False
        services.material_store_previews(material=material, by=by, images=images)
        kept = {image.name for image in images}
        for name in old:
            if name not in kept:
                material.file.storage.delete(name)
        self.stdout.write(f"{material}: {len(images)} slide images.")
        return True
