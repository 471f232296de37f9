"""The lecture in headless Chromium: it plays, a chapter seeks it and is marked as playing, the Swedish
captions load; the deck's slide strip and the kit's preview pass the axe scan."""

import pytest

from tests.browser import axe_violations, shoot, signed_in
from tests.factories import LectureFactory, MaterialFactory, UserFactory

VIDEO = "document.getElementById('lecture-video')"
PLAYING = "document.querySelector('button.chapter[aria-current]')"


def wait_for_playing_chapter(page, title: str) -> None:
    page.wait_for_function(
        f"title => {PLAYING} !== null && {PLAYING}.textContent.includes(title)", arg=title, timeout=15_000
    )
    assert page.locator("button.chapter[aria-current]").count() == 1


def with_slide_images(material, count: int):
    """Stand-in images for the deck's slides, as render_previews would store them."""
    from io import BytesIO

    from django.core.files.storage import default_storage
    from PIL import Image

    from dialogue import services
    from dialogue.previews import SlideImage
    from vision.actors import system_actor

    images = []
    for number in range(1, count + 1):
        png = BytesIO()
        Image.new("RGB", (640, 360), (0, 85, 140)).save(png, format="PNG")
        name = default_storage.save(
            f"dialogue/previews/material-{material.pk}-e2e/slide-{number:03d}.png", png
        )
        images.append(SlideImage(number, name, 640, 360))
    return services.material_store_previews(material=material, by=system_actor(), images=images)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_lecture_plays_seeks_to_a_chapter_and_loads_captions(browser, live_server, client):
    LectureFactory(chapters=[(0, "Inledning"), (16, "Vad betyder det här för oss?"), (26, "Avslutning")])
    with_slide_images(MaterialFactory(), 1)
    page = signed_in(browser, live_server, client, UserFactory(username="lasare"))
    # Page-side waits are written as functions: the page's CSP refuses string eval.
    media_statuses = []
    page.on("response", lambda response: "/files/" in response.url and media_statuses.append(response.status))
    page.goto(f"{live_server.url}/dialogue/")

    page.evaluate(f"{VIDEO}.muted = true")
    page.evaluate(f"{VIDEO}.play()")
    page.wait_for_function(f"() => {VIDEO}.currentTime > 0.5", timeout=15_000)
    assert page.evaluate(f"{VIDEO}.paused") is False
    wait_for_playing_chapter(page, "Inledning")

    page.get_by_role("button", name="Vad betyder det här för oss?").click()
    page.wait_for_function(f"() => {VIDEO}.currentTime >= 16 && {VIDEO}.currentTime < 24", timeout=15_000)
    wait_for_playing_chapter(page, "Vad betyder det här för oss?")
    # Seeking with the player's own controls moves the mark too, forwards and back.
    page.evaluate(f"{VIDEO}.currentTime = 27")
    wait_for_playing_chapter(page, "Avslutning")
    page.evaluate(f"{VIDEO}.currentTime = 3")
    wait_for_playing_chapter(page, "Inledning")
    assert page.evaluate(f"{VIDEO}.querySelector('track[kind=chapters]') !== null")

    page.wait_for_function(
        "() => document.querySelector('#lecture-video track').readyState === 2"
        f" && {VIDEO}.textTracks[0].cues && {VIDEO}.textTracks[0].cues.length > 0",
        timeout=15_000,
    )
    track = page.evaluate(
        f"(() => {{ const t = {VIDEO}.textTracks[0]; return {{lang: t.language, kind: t.kind, mode: t.mode, cues: t.cues.length,"
        " first: t.cues[0].text}})()"
    )
    assert track == {"lang": "sv", "kind": "captions", "mode": "showing", "cues": 6, "first": track["first"]}
    assert "exempelfilm" in track["first"]

    assert 206 in media_statuses  # the player's seeks went through the view's range handling
    assert page.locator(".slide-strip img").count() == 1
    assert page.locator(".slide-strip figcaption").first.text_content().strip() == "1. Bild 1"

    shoot(page, "dialogue-lecture")
    assert page.csp_errors == []

    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_records_a_workshop_in_the_browser_and_sees_it_listed(browser, live_server, client):
    from django.core.management import call_command

    from dialogue.models import Workshop
    from vision.models import Unit, UnitMembership, UnitRole

    call_command("load_demo", "--no-accounts", verbosity=0)
    unit = Unit.objects.get(slug="utbildningskontoret")
    user = UserFactory(username="chef")
    UnitMembership.objects.create(user=user, unit=unit, role=UnitRole.VIEWER)
    page = signed_in(browser, live_server, client, user)
    page.goto(f"{live_server.url}/dialogue/")
    shoot(page, "dialogue-demo")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Utbildningskontoret").first.click()
    page.wait_for_url("**/workshops/new/")
    page.get_by_label("Datum").fill("2025-11-20")
    page.get_by_label("Samtalsledare").fill("Exempelchef")
    page.get_by_label("Det gruppen tyckte var viktigt").fill("Att läsningen syns hela dagen")
    page.get_by_label("Det gruppen ska göra").fill("Vi provar läsfrämjande raster")
    page.get_by_label("Närvaron i grundskolan ska öka").check()
    assert axe_violations(page) == []
    shoot(page, "dialogue-workshop-form")
    page.get_by_role("button", name="Spara workshoppen").click()
    page.wait_for_url("**/dialogue/")
    assert page.get_by_text("Att läsningen syns hela dagen").is_visible()
    workshop = Workshop.objects.get(facilitator="Exempelchef")
    assert [goal.title for goal in workshop.goals.all()] == ["Närvaron i grundskolan ska öka"]

    page.goto(f"{live_server.url}{unit.get_absolute_url()}")
    page.get_by_text("Att läsningen syns hela dagen").wait_for()  # loaded into the unit page by htmx
    shoot(page, "dialogue-unit-workshops")

    # The kit's preview before downloading it (as an outline where no images have been made).
    page.goto(f"{live_server.url}/dialogue/kit/{unit.slug}/preview/")
    assert page.locator(".slide-strip li").count() >= 7
    assert axe_violations(page) == []
    shoot(page, "dialogue-kit-preview")
