"""The browser view (``negsim view``): its controls, its command, and the page in a real browser.

The browser tests start the view's server on a free loopback port and drive Debian's
chromium with Playwright. Without chromium, Playwright or Solara they are skipped, except
with ``CI=true``, where they fail: CI installs all three and must run them.

A screenshot of the page is saved as ``view.png`` in ``$NEGSIM_TEST_ARTIFACTS`` (or in
pytest's temporary folder, whose path the test prints).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from sim.cli import app as negsim_app
from sim.model.labels import Labels
from sim.model.outcomes import OUTCOMES

SCENARIO = "istanbul-2025"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
START_GUARD = 90.0
"""Seconds to wait for the server before calling it hung (it needs about 3)."""
UPDATE_GUARD = 15_000
"""Milliseconds to wait for the page to react (it needs about 1000): a hang guard."""
LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "blob:http://127.0.0.1:", "data:")


def view(*args: str):
    """``negsim view ARGS`` through Typer's test runner."""
    return CliRunner().invoke(negsim_app, ["view", *args])


# -- without a browser ---------------------------------------------------------------------


def test_command_module_stays_light():
    """``negsim --help`` must stay fast: the command module imports no heavy library."""
    code = ("import sys, sim.cli; heavy = {'solara', 'matplotlib', 'pandas', 'numpy', "
            "'mesa', 'pydantic'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_names_every_option_and_an_example():
    result = view("--help")
    assert result.exit_code == 0
    for text in ("--port", "--host", "--runs", "--seed", "Example: negsim view"):
        assert text in result.output


def test_a_bad_scenario_is_a_user_error(tmp_path):
    result = view(str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2
    assert "error:" in result.output and "nowhere.yaml" in result.output


def test_a_busy_port_is_a_user_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = view(SCENARIO, "--port", str(port))
    assert result.exit_code == 2
    assert f"127.0.0.1:{port}" in result.output and "--port" in result.output


def _view_module():
    return pytest.importorskip("sim.view.page", reason="the view's optional dependencies "
                               "(pip install -e '.[view]') are not installed")


def test_sliders_come_from_the_config_bounds_and_descriptions():
    app = _view_module()
    from sim.scenario.config import Guarantor

    toggles, sliders = app.scenario_controls(SCENARIO)
    by_path = {c.path: c for c in sliders}
    monitoring = by_path["actors.usa.monitoring"]
    field = Guarantor.model_fields["monitoring"]
    assert monitoring.hint.startswith(field.description)
    assert (monitoring.low, monitoring.high, monitoring.value) == (0.0, 1.0, 0.0)
    assert by_path["trust.ukraine.russia"].value == 0.1
    assert by_path["actors.russia.momentum"].value == 0.3
    assert {t.path: t.value for t in toggles} == {
        "actors.ukraine.attendance.mode": "auto", "actors.russia.attendance.mode": "auto",
        "actors.turkey.attendance.mode": "always", "actors.usa.attendance.mode": "auto"}


def test_only_changed_values_become_overrides():
    app = _view_module()
    values = app.initial_values(SCENARIO)
    assert app.overrides(values, SCENARIO) == ()
    values |= {"trust.ukraine.russia": 0.5, "actors.russia.attendance.mode": "always"}
    assert app.overrides(values, SCENARIO) == ("actors.russia.attendance.mode=always",
                                               "trust.ukraine.russia=0.5")


def test_putin_always_means_he_attends_in_every_history():
    app = _view_module()
    shares = app.charts(SCENARIO, ("actors.russia.attendance.mode=always",), 300, 1).ensemble
    assert shares.shares("attended").loc["russia", "share"] == 1.0


def test_the_view_takes_outcome_labels_and_colours_from_the_outcome_table():
    from matplotlib.colors import to_hex

    app = _view_module()
    ensemble = app.charts(SCENARIO, (), 300, 1).ensemble
    axes = app.outcome_figure(ensemble).axes[0]
    labels = Labels(app.base_scenario(SCENARIO).validate())
    shown = [" ".join(t.get_text().split()) for t in axes.get_yticklabels()]
    assert shown == [labels.outcome(o) for o in OUTCOMES]
    assert [to_hex(bar.get_facecolor()) for bar in axes.patches] == [
        Labels.colour(o).lower() for o in OUTCOMES]
    table = app._shares_table(ensemble)
    assert "30-day ceasefire agreed, then collapsed" in table
    assert "Vladimir Putin (Russia)" in table


def test_sliders_are_named_by_the_parameter_label_rule():
    app = _view_module()
    labels = Labels(app.base_scenario(SCENARIO).validate())
    _, sliders = app.scenario_controls(SCENARIO)
    by_path = {c.path: c.label for c in sliders}
    assert by_path["trust.ukraine.russia"] == labels.parameter("trust.ukraine.russia")
    assert by_path["actors.usa.monitoring"] == "Monitoring"  # under the heading United States
    assert labels.parameter("actors.usa.monitoring") == "United States: monitoring"


# -- in the browser ------------------------------------------------------------------------


def _missing(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[view]')")
    try:
        import solara  # noqa: F401
    except ImportError:
        _missing("Solara is not installed (pip install -e '.[view]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        _missing("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as api:
        yield api, chromium


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served(NamedTuple):
    url: str
    log: Path
    """Everything the server printed (standard output and error)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Served:
    """``negsim view istanbul-2025`` on a free loopback port, for this module's tests."""
    port = _free_port()
    log = tmp_path_factory.mktemp("view") / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sim", "view", SCENARIO, "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, process, log)
        yield Served(url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_GUARD
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the view's server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the view's server did not answer within {START_GUARD:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser_page(playwright_api, server, tmp_path_factory):
    """A page of the view in chromium, recording every request and every failed response."""
    api, chromium = playwright_api
    context = api.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium,
        headless=True, args=CHROMIUM_ARGS, viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.requests, page.failures = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("websocket", lambda ws: page.requests.append(ws.url))
    page.on("response", lambda r: r.status >= 400 and page.failures.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: page.failures.append(f"failed {r.url}"))
    page.goto(server.url)
    yield page
    context.close()


def _row(page, label: str):
    return page.locator(".negsim-shares tr", has_text=label)


def _chart_source(page, name: str) -> str:
    image = page.locator(f".negsim-chart-{name}")
    image = image if image.evaluate("e => e.tagName") == "IMG" else image.locator("img")
    return image.get_attribute("src")


def test_page_shows_title_controls_and_charts(browser_page, playwright_api):
    from playwright.sync_api import expect

    page = browser_page
    expect(page.locator(".negsim-shares")).to_contain_text("Vladimir Putin", timeout=UPDATE_GUARD)
    assert page.title().startswith("negsim · Istanbul talks")
    app = _view_module()
    toggles, sliders = app.scenario_controls(SCENARIO)
    for control in sliders:
        slug = control.path.replace(".", "-")
        expect(page.locator(f".negsim-slider-{slug}")).to_be_visible()
        expect(page.get_by_text(control.hint).first).to_be_attached()
    for toggle in toggles:
        expect(page.locator(f".negsim-attendance-{toggle.path.split('.')[1]}")).to_be_visible()
    for chart in ("outcomes", "survival", "trust"):
        assert _chart_source(page, chart)
    labels = app.base_scenario(SCENARIO).validate()
    for outcome in OUTCOMES:
        expect(_row(page, Labels(labels).outcome(outcome))).to_contain_text("%")


def test_the_page_says_what_was_agreed_and_why(browser_page):
    """Issue 10 items 3 and 4: the page shows the rows of sim.results.why, word for word and
    number for number, for the ensemble the server simulated (2,000 runs, default seed)."""
    from playwright.sync_api import expect

    from sim import DEFAULT_SEED
    from sim.results import why

    page, app = browser_page, _view_module()
    ensemble = app.charts(SCENARIO, (), 2000, DEFAULT_SEED).ensemble
    shown = {".negsim-why": why.why(ensemble.replicates, ensemble.labels),
             ".negsim-agreed": why.agreements(ensemble.summary, ensemble.labels)}
    assert [s.title for s in shown[".negsim-why"]] == [
        "Why no 30-day ceasefire", "Why no All-for-all prisoner exchange",
        "Who ended the 30-day ceasefire"]
    expect(page.locator(".negsim-why")).to_contain_text("Why no 30-day ceasefire",
                                                        timeout=UPDATE_GUARD)
    for where, sections in shown.items():
        for n, section in enumerate(sections):
            table = page.locator(f"{where} table").nth(n)
            expect(table.locator("th").first).to_have_text(section.title)
            for line in section.lines:
                expect(table.locator("tr", has_text=line.text)).to_contain_text(
                    f"{100 * line.share:.1f}%")


def test_the_server_prints_only_its_address(browser_page, server):
    """Issue 11: Solara's 15-line cookie warning at each page load is switched off; the
    server says where it is and nothing else."""
    from playwright.sync_api import expect

    expect(browser_page.locator(".negsim-shares")).to_contain_text("%", timeout=UPDATE_GUARD)
    printed = server.log.read_text().splitlines()
    assert printed[0].startswith(f"negsim view: {SCENARIO}, 2,000 runs per chart. Open "
                                 f"{server.url} in a browser")
    assert [line for line in printed if "arning" in line or "cookie" in line.lower()] == []


def test_putin_always_shows_him_attending_in_every_history(browser_page):
    from playwright.sync_api import expect

    page = browser_page
    putin = _row(page, "Vladimir Putin")
    expect(putin).not_to_contain_text("100.0%", timeout=UPDATE_GUARD)
    page.locator(".negsim-attendance-russia").get_by_text("always").click()
    expect(putin).to_contain_text("100.0%", timeout=UPDATE_GUARD)
    expect(page.locator(".negsim-changed")).to_contain_text(
        "actors.russia.attendance.mode = always")


def test_moving_a_trust_slider_changes_the_outcome_shares_and_charts(browser_page,
                                                                     tmp_path_factory):
    from playwright.sync_api import expect

    page = browser_page
    held = _row(page, "30-day ceasefire agreed and held")
    before, chart_before = held.inner_text(), _chart_source(page, "outcomes")
    slider = page.locator(".negsim-slider-trust-ukraine-russia")
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.8, "y": box["height"] / 2})
    expect(page.locator(".negsim-changed")).to_contain_text("trust.ukraine.russia",
                                                            timeout=UPDATE_GUARD)
    expect(held).not_to_have_text(before, timeout=UPDATE_GUARD)
    assert _chart_source(page, "outcomes") != chart_before
    folder = Path(os.environ.get("NEGSIM_TEST_ARTIFACTS") or tmp_path_factory.mktemp("artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "view.png"))
    print(f"screenshot: {folder / 'view.png'}")


def test_one_history_is_told_day_by_day(browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.locator(".negsim-tab-history").click()
    heading = page.locator(".negsim-history-day")
    expect(heading).to_contain_text("before the first day", timeout=UPDATE_GUARD)
    page.locator(".negsim-next-day").click()
    expect(heading).to_contain_text("Day -3", timeout=UPDATE_GUARD)
    expect(page.locator(".negsim-today")).not_to_be_empty()
    page.get_by_role("button", name="To the end").click()
    expect(page.locator(".negsim-status").last).to_contain_text("Outcome:", timeout=UPDATE_GUARD)


def test_every_request_stayed_on_this_computer(browser_page):
    """Runs last: every request of the whole session went to 127.0.0.1 and succeeded (an
    asset missing from the bundled copies would be a failed request, offline)."""
    page = browser_page
    assert page.requests, "no request was recorded"
    assert [url for url in page.requests if not url.startswith(LOCAL)] == []
    assert page.failures == []
