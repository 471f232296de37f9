"""The red-thread report and the admin import page in headless Chromium: axe-core
at WCAG 2.1 AA, no CSP refusals, a print rendering, and screenshots to look at."""

import pytest

from goals.demo import load_goals
from goals.exchange import formats as exchange
from goals.models import Goal
from tests.browser import axe_violations, shoot, signed_in
from tests.factories import UserFactory


@pytest.mark.browser
def test_red_thread_report_of_a_unit_reads_well_and_prints(browser, live_server, client, transactional_db):
    load_goals()
    unit = Goal.objects.filter(level="unit").select_related("owner").first().owner
    page = signed_in(browser, live_server, client, UserFactory(username="lasare"))
    page.goto(f"{live_server.url}/reports/red-thread/?unit={unit.slug}")
    assert page.locator("table.red-thread tbody tr").count() > 1
    assert page.locator("table.red-thread tr.context").count() >= 1
    shoot(page, "red-thread-unit")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    shoot(page, "red-thread-unit-print")
    assert page.csp_errors == []


@pytest.mark.browser
def test_admin_import_page_lists_refused_rows(browser, live_server, client, transactional_db, tmp_path):
    load_goals()
    period = Goal.objects.exclude(period=None).first().period
    rows = exchange.export_rows(period)
    rows[3]["owner_unit"] = "finns-inte"
    bad = tmp_path / "mål.csv"
    bad.write_bytes(exchange.write(rows, "csv"))
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    page = signed_in(browser, live_server, client, admin)
    page.goto(f"{live_server.url}/admin/goals/goal/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Importera").click()
    alert = page.get_by_role("alert")
    assert "finns-inte" in alert.inner_text() and "owner_unit" in alert.inner_text()
    shoot(page, "admin-import-refused")
    # Django's own admin header (its underlined-by-colour user links) is not ours to fix; our content is.
    assert axe_violations(page, "#content") == []
