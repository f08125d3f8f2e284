"""The dashboard in real headless Chromium (Debian's, through Playwright) against a live uvicorn."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from test_pages import HOSTILE, NOW, PASSWORD, UK, _observe, make_app, seed

from aggregator.localserver import unused_port
from aggregator.tables import Petition
from aggregator.web import create_app
from aggregator.web.users import add_user

CHROMIUM = Path("/usr/bin/chromium")
DEMANDED = os.environ.get("PETITIONS_TEST_BROWSER") == "1"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

if not CHROMIUM.exists():
    if DEMANDED:
        raise RuntimeError(f"PETITIONS_TEST_BROWSER=1 but {CHROMIUM} is missing: apt-get install chromium")
    pytest.skip(f"{CHROMIUM} is missing (set PETITIONS_TEST_BROWSER=1 to demand it)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, object, dict[str, int]]]:
    """uvicorn in a thread, serving a seeded SQLite database on a free port of 127.0.0.1."""
    folder = tmp_path_factory.mktemp("browser")
    app = make_app(f"sqlite:///{folder / 'browser.db'}")
    add_user(app.store.engine, "alice", PASSWORD, NOW)
    ids = seed(app, extra=40)
    busy, _ = app.store.add_petition(
        platform="uk-parliament", external_id="720000", url=UK.format(720000), now=NOW - timedelta(days=30)
    )
    assert busy.id
    minutes = [NOW - timedelta(minutes=30 * k) for k in range(1440, -1, -1)]
    _observe(app, busy.id, [(a, a, 1_000 + 7 * i) for i, a in enumerate(minutes)])
    ids["busy"] = busy.id
    port = unused_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(app), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", app, ids
    server.should_exit = True
    thread.join(10)
    app.store.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield found
        found.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    found = context.new_page()
    found.dialogs = []
    found.problems = []
    found.on("dialog", lambda dialog: (found.dialogs.append(dialog.message), dialog.dismiss()))
    found.on("console", lambda msg: found.problems.append(msg.text) if msg.type == "error" else None)
    found.on("pageerror", lambda error: found.problems.append(str(error)))
    yield found
    context.close()


def _drawn_pixels(page) -> int:
    return page.evaluate(
        """() => {
            const canvas = document.querySelector('#chart canvas');
            if (!canvas || !canvas.width) return 0;
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
            return count;
        }"""
    )


def test_overview_to_a_petition_whose_chart_draws(served, page):
    base, _app, ids = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(base + "/")
    assert page.locator("#petitions tbody tr").count() == 44
    assert page.get_by_text("<script>alert(1)</script>", exact=False).first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=False)
    page.locator(f'a[href="/petitions/{ids["hostile"]}"]').first.click()
    page.wait_for_url(re.compile(rf"/petitions/{ids['hostile']}$"))
    page.wait_for_selector("#chart[data-drawn] canvas")
    assert page.locator("h1").inner_text() == HOSTILE  # the hostile title is text, not markup
    assert _drawn_pixels(page) > 500
    box = page.locator("#chart .u-over").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
    legend = page.locator("#chart .u-legend .u-series").nth(1).inner_text()
    assert re.search(r"\d{1,3}(,\d{3})+", legend), legend  # the hovered value
    before = page.evaluate("() => document.getElementById('chart').uplot.scales.x.min")
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 40, steps=8)
    page.mouse.up()
    after = page.evaluate("() => document.getElementById('chart').uplot.scales.x.min")
    assert after > before  # zoomed in
    page.mouse.dblclick(box["x"] + box["width"] * 0.5, box["y"] + 40)
    page.mouse.move(0, 0)
    page.screenshot(path=str(SCREENSHOTS / "petition.png"), full_page=False)
    assert page.dialogs == [] and page.problems == []


def test_zooming_into_a_long_series_fetches_the_window_in_detail(served, page):
    base, _app, ids = served
    page.goto(f"{base}/petitions/{ids['busy']}")
    page.wait_for_selector("#chart[data-drawn] canvas")
    assert int(page.locator("#chart").get_attribute("data-drawn")) <= 1000  # downsampled: 1,441 runs
    box = page.locator("#chart .u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + 30, steps=6)
    page.mouse.up()
    page.wait_for_selector("#chart[data-refined]")
    assert int(page.locator("#chart").get_attribute("data-refined")) > 50
    assert _drawn_pixels(page) > 500
    assert page.dialogs == [] and page.problems == []


def test_campaign_chart_has_each_platform_and_the_total(served, page):
    base, _app, _ids = served
    page.goto(base + "/campaigns/climate")
    page.wait_for_selector("#chart[data-drawn] canvas")
    assert _drawn_pixels(page) > 500
    labels = page.locator("#chart .u-legend .u-series .u-label").all_inner_texts()
    assert any("upper bound" in label for label in labels) and len(labels) == 4  # time, 2 petitions, total
    page.screenshot(path=str(SCREENSHOTS / "campaign.png"), full_page=False)
    assert page.dialogs == [] and page.problems == []


def test_searching_filters_without_a_reload(served, page):
    base, _app, _ids = served
    page.goto(base + "/")
    page.evaluate("() => { window.notReloaded = true; }")
    page.fill("#q", "bees")
    page.wait_for_function("() => document.querySelectorAll('#petitions tbody tr').length === 1")
    assert page.evaluate("() => window.notReloaded") is True
    assert page.url.endswith("/?q=bees")
    page.select_option("#status", "closed")
    page.wait_for_selector("#petitions tbody td.muted")  # bees is open: nothing matches
    assert page.dialogs == [] and page.problems == []


def test_sign_in_and_add_a_petition_through_the_form(served, page):
    base, app, _ids = served
    page.goto(base + "/manage")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("#name", "alice")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/manage$"))
    page.fill("#urls", "https://petition.parliament.uk/petitions/733333\nhttps://nowhere.example/p/1")
    page.fill("#tags", "browser-test")
    page.click("#add-form button[type=submit]")
    results = page.locator("#add-results")
    results.wait_for()
    assert "1 added or updated, 1 with errors" in results.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "manage.png"), full_page=False)
    added = [p for p in app.store.petitions("browser-test") if isinstance(p, Petition)]
    assert [p.external_id for p in added] == ["733333"]
    page.goto(base + "/?tag=browser-test")
    assert page.locator("#petitions tbody tr").count() == 1
    assert page.dialogs == [] and page.problems == []


def test_the_overview_reads_on_a_phone(served, browser):
    base, _app, _ids = served
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(base + "/")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390  # wide tables scroll inside their box, not the page
    page.screenshot(path=str(SCREENSHOTS / "overview-phone.png"), full_page=False)
    context.close()
