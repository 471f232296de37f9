"""The lecture in headless Chromium: it plays, a chapter seeks it, the Swedish captions load."""

import pytest

from tests.browser import axe_violations, shoot, signed_in
from tests.factories import LectureFactory, MaterialFactory, UserFactory

VIDEO = "document.getElementById('lecture-video')"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_lecture_plays_seeks_to_a_chapter_and_loads_captions(browser, live_server, client):
    LectureFactory(chapters=[(0, "Inledning"), (16, "Vad betyder det här för oss?"), (26, "Avslutning")])
    MaterialFactory()
    page = signed_in(browser, live_server, client, UserFactory(username="lasare"))
    # Page-side waits are written as functions: the page's CSP refuses string eval.
    media_statuses = []
    page.on("response", lambda response: "/files/" in response.url and media_statuses.append(response.status))
    page.goto(f"{live_server.url}/dialogue/")

    page.evaluate(f"{VIDEO}.muted = true")
    page.evaluate(f"{VIDEO}.play()")
    page.wait_for_function(f"() => {VIDEO}.currentTime > 0.5", timeout=15_000)
    assert page.evaluate(f"{VIDEO}.paused") is False

    page.get_by_role("button", name="Vad betyder det här för oss?").click()
    page.wait_for_function(f"() => {VIDEO}.currentTime >= 16 && {VIDEO}.currentTime < 24", timeout=15_000)

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
