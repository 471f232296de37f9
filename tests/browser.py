"""What every browser test shares: Debian's Chromium, its flags, where screenshots go,
a signed-in page, the axe-core scan and screenshots."""

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling out, and this
# machine's closed network refuses it many times a start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def signed_in_context(
    browser, live_server, client, user, *, javascript=True, viewport=(1280, 900), locale="sv-SE"
):
    """A browser context carrying ``user``'s session with the live server."""
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, locale=locale, java_script_enabled=javascript
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def signed_in(browser, live_server, client, user, **options):
    """A page signed in as ``user``; what the Content-Security-Policy refused collects in page.csp_errors."""
    page = signed_in_context(browser, live_server, client, user, **options).new_page()
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    return page


def axe_violations(page, context: str | None = None) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page (or inside the ``context`` selector)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target'][0]) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def shoot(page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
