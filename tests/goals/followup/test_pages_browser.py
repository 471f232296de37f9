"""The indicator pages and the goal page's indicators in headless Chromium: an axe-core scan
(WCAG 2.1 AA) of the chart and the tables in Swedish and English, and screenshots."""

import pytest

from goals.demo import load_goals
from goals.followup.demo import load_indicators
from goals.followup.models import Indicator
from tests.browser import axe_violations, shoot, signed_in
from tests.factories import UserFactory


@pytest.fixture
def demo(transactional_db):
    load_goals()
    load_indicators()
    return Indicator.objects.get(kolada_kpi="N00914")


@pytest.mark.browser
def test_indicator_pages_pass_axe_in_both_languages(browser, live_server, client, demo):
    reader = UserFactory(username="lasare")
    urls = {
        "list": "/indicators/?period=2023-2026",
        "detail": f"/indicators/{demo.pk}/",
        "goal": f"/goals/{demo.goal_id}/",
    }
    found = {}
    for locale, language in (("sv-SE", "sv"), ("en-GB", "en")):
        page = signed_in(browser, live_server, client, reader, locale=locale)
        for name, url in urls.items():
            page.goto(live_server.url + url)
            assert page.locator("html").get_attribute("lang") == language
            found[f"{name} ({language})"] = axe_violations(page)
            shoot(page, f"followup-{name}-{language}")
        assert page.csp_errors == []
    page.goto(live_server.url + urls["detail"])
    # The chart is an image with a text alternative; the numbers are also in a table.
    chart = page.locator("svg.indicator-chart")
    assert chart.get_attribute("role") == "img" and chart.locator("title").count() == 1
    assert page.locator("table caption").count() >= 1
    assert {name: v for name, v in found.items() if v} == {}
