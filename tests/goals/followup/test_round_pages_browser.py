"""The round pages in headless Chromium: axe-core (WCAG 2.1 AA) on the list, the dashboard,
my follow-ups and a unit's report, in Swedish and English at 1280 and 390 pixels wide, and
an assessment saved in place with htmx (the page is not reloaded)."""

import pytest

from goals.demo import load_goals
from goals.followup.demo import load_indicators
from goals.followup.models import Assessment, FollowUpRound
from tests.browser import axe_violations, shoot, signed_in
from tests.factories import UserFactory


@pytest.fixture
def demo(transactional_db):
    load_goals()
    load_indicators()  # with the demo rounds
    return FollowUpRound.objects.get(kind="delar")


@pytest.mark.browser
def test_round_pages_pass_axe_and_save_in_place(browser, live_server, client, demo):
    strategist = UserFactory(username="strateg", is_staff=True, is_superuser=True)
    unit = demo.assessments.select_related("goal__owner").first().goal.owner
    urls = {
        "list": "/followup/",
        "dashboard": f"/followup/{demo.pk}/",
        "mine": f"/followup/{demo.pk}/mine/",
        "unit": f"/followup/{demo.pk}/units/{unit.slug}/",
        "published": f"/followup/{FollowUpRound.objects.get(kind='helar').pk}/",
    }
    found = {}
    for locale, language in (("sv-SE", "sv"), ("en-GB", "en")):
        for width in (1280, 390):
            page = signed_in(browser, live_server, client, strategist, locale=locale, viewport=(width, 900))
            for name, url in urls.items():
                if width == 390 and name in ("list", "published"):
                    continue  # the same layouts as the dashboard's at the narrow width
                page.goto(live_server.url + url)
                assert page.locator("html").get_attribute("lang") == language
                found[f"{name} ({language}, {width})"] = axe_violations(page)
                if width == 1280 or name == "mine":
                    shoot(page, f"followup-round-{name}-{language}-{width}")
            assert page.csp_errors == []
            page.context.close()
    assert {name: v for name, v in found.items() if v} == {}

    # Saved in place: the card is swapped, the rest of the page stays (a marker set by the test survives).
    page = signed_in(browser, live_server, client, strategist, locale="sv-SE")
    page.goto(live_server.url + urls["mine"])
    page.evaluate("window.notReloaded = true")
    card = page.locator("article.assess-card").filter(has=page.locator("form")).first
    goal_id = int(card.get_attribute("id").removeprefix("goal-"))
    card.locator("input[value=not_met]").check()
    card.locator("textarea").first.fill("Exempeltext: sparad på plats.")
    card.locator("button[type=submit]").click()
    page.locator(f"#goal-{goal_id} .success").wait_for()
    assert page.evaluate("window.notReloaded") is True
    saved = Assessment.objects.get(round=demo, goal_id=goal_id)
    assert (saved.status, saved.analysis) == ("not_met", "Exempeltext: sparad på plats.")
    shoot(page, "followup-round-mine-saved", full_page=False)
