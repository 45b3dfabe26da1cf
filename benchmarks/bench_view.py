"""Benchmark: how long a student waits after moving a control in ``negsim view``.

Usage::

    python benchmarks/bench_view.py                 # both measurements (about 30 s)
    python benchmarks/bench_view.py --no-browser    # only (a), no chromium needed

On the baseline scenario (``istanbul-2025``) with the view's default 2,000 replicates:

(a) in the server's code, the time from a new set of control values to the three figures as
    PNG (:func:`sim.view.page.charts`: validate the overrides, simulate, summarise, draw), split
    into simulation and drawing; every setting is new, so nothing comes from the cache;
(b) in a real browser (Debian's chromium driven by Playwright), the time from a click on a
    trust slider, or on an attendance button, until the page shows the recomputed table and
    a new outcome chart, against a ``negsim view`` server on a free loopback port.

The target (issue 5) is under 1 s. Timings depend on what else runs on the machine; the
load average is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

TARGET = 1.0
SCENARIO = "istanbul-2025"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


def in_process(runs: int, changes: int) -> list[float]:
    """(a): ``changes`` new settings of Ukraine's trust in Russia, each drawn afresh."""
    from sim import app

    app.charts(SCENARIO, (), runs, 1)  # warm-up: imports, fonts, the scenario
    totals, simulation = [], []
    for k in range(changes):
        settings = (f"trust.ukraine.russia={0.11 + k * 0.8 / changes:.4f}",)
        start = time.perf_counter()
        result = app.charts(SCENARIO, settings, runs, 1)
        totals.append(time.perf_counter() - start)
        simulation.append(result.ensemble.seconds)
    _report("(a) settings → figures, in the server's code", totals)
    _report("    of which validation + simulation + summary", simulation)
    return totals


def in_browser(runs: int, changes: int) -> list[float]:
    """(b): click a slider at ``changes`` positions and an attendance button; time each."""
    from playwright.sync_api import expect, sync_playwright

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "sim", "view", SCENARIO, "--port",
                               str(port), "--runs", str(runs)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = _wait_for(f"http://127.0.0.1:{port}/")
        with sync_playwright() as api:
            browser = api.chromium.launch(executable_path=shutil.which("chromium"),
                                          args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(url)
            expect(page.locator(".negsim-shares")).to_contain_text("Putin", timeout=60_000)
            times = [_click_slider(page, expect, (k + 1) / (changes + 1)) for k in range(changes)]
            times.append(_click_always(page, expect))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    _report("(b) click → new table and chart, in chromium", times)
    return times


def _click_slider(page, expect, where: float) -> float:
    slider = page.locator(".negsim-slider-actors-usa-monitoring")
    box = slider.bounding_box()
    before = page.locator(".negsim-chart-outcomes").get_attribute("src")
    start = time.perf_counter()
    slider.click(position={"x": box["width"] * where, "y": box["height"] / 2})
    expect(page.locator(".negsim-changed")).to_contain_text("actors.usa.monitoring",
                                                            timeout=30_000)
    expect(page.locator(".negsim-chart-outcomes")).not_to_have_attribute("src", before,
                                                                         timeout=30_000)
    return time.perf_counter() - start


def _click_always(page, expect) -> float:
    start = time.perf_counter()
    page.locator(".negsim-attendance-russia").get_by_text("always").click()
    expect(page.locator(".negsim-shares tr", has_text="Vladimir Putin")).to_contain_text(
        "100.0%", timeout=30_000)
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, guard: float = 90.0) -> str:
    deadline = time.monotonic() + guard
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return url
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the view's server did not answer at {url}")


def _report(what: str, seconds: list[float]) -> None:
    worst = max(seconds)
    verdict = "met" if worst < TARGET else "MISSED"
    print(f"{what}: median {statistics.median(seconds):.2f} s, max {worst:.2f} s "
          f"over {len(seconds)} changes (target < {TARGET:.0f} s: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="replicates per chart")
    parser.add_argument("--changes", type=int, default=10, help="control changes to time")
    parser.add_argument("--no-browser", action="store_true", help="skip (b)")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}; "
          f"{args.runs:,} replicates per chart")
    in_process(args.runs, args.changes)
    if not args.no_browser:
        in_browser(args.runs, args.changes)


if __name__ == "__main__":
    main()
