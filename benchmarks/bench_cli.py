"""Benchmark: how fast the front door answers, against ``python -c "import mesa"``.

Usage::

    python benchmarks/bench_cli.py                 # 10 rounds (about 40 s)
    python benchmarks/bench_cli.py --repeats 20    # more rounds on a busy machine
    python benchmarks/bench_cli.py --imports       # also: what the run imports beyond Mesa

It measures the targets of issue 11 ("Speed of the front door"), from the shell, Python
start-up included, each command a fresh process started from the repository root:

(1) ``negsim run istanbul-2025 --no-plots --out TMP`` (10,000 runs, the tables printed to a
    pipe) against ``python -c "import mesa"`` in the same round. Target: at most 0.5 s more;
(2) ``negsim --help``. Target: under 0.3 s.

Each round runs the three commands one after the other (so a busy moment hits them alike);
the figures are the best and the median over the rounds, and, for (1), the median of the
per-round differences. A shared machine slows everything: the load average is printed, and
the best figures are the ones to compare; the CPU time (user + system) each command used is
printed beside, since it depends less on what else runs.

Python keeps the compiled bytecode of every module it imports (``__pycache__``), so a user
pays for compiling negsim only once. Some environments switch that off
(``PYTHONDONTWRITEBYTECODE=1``); then every command compiles negsim's own modules first. By
default the script gives the commands a bytecode cache of their own, in a temporary folder
(``PYTHONPYCACHEPREFIX``, filled by a first run), as a user's installation has;
``--no-bytecode-cache`` measures with the environment as it is.

``--imports`` runs ``python -X importtime`` on the command and lists the modules it imports
that ``import mesa`` does not, with their own time (and the total): that is the import cost
negsim adds. Results go to a temporary folder that is deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RUN_OVER_MESA_S = 0.5
TARGET_HELP_S = 0.3


def negsim_command() -> list[str]:
    """The ``negsim`` entry point next to this interpreter (the virtualenv's), else on PATH,
    else ``python -m sim``."""
    beside = Path(sys.executable).with_name("negsim")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("negsim")
    return [found] if found else [sys.executable, "-m", "sim"]


def environment(cache: Path | None) -> dict:
    """This environment, with bytecode written to and read from ``cache`` (None: as is)."""
    env = dict(os.environ)
    if cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def wall(command: list[str], env: dict) -> tuple[float, float]:
    """Seconds from start to exit of ``command`` (output to a pipe, discarded), and the CPU
    seconds (user + system) it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def rounds(repeats: int, out: Path, env: dict) -> tuple[dict[str, list[float]],
                                                        dict[str, list[float]]]:
    """Wall and CPU seconds of each command, ``repeats`` rounds."""
    negsim = negsim_command()
    commands = {
        "import mesa": [sys.executable, "-c", "import mesa"],
        "negsim run": [*negsim, "run", "istanbul-2025", "--no-plots", "--out", str(out)],
        "negsim --help": [*negsim, "--help"],
    }
    for command in commands.values():  # warm the disk cache and the bytecode cache
        wall(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            elapsed, used = wall(command, env)
            times[name].append(elapsed)
            cpu[name].append(used)
    return times, cpu


def imported_beyond_mesa(env: dict) -> list[tuple[str, float]]:
    """(module, own import seconds) for what ``negsim run`` imports and ``import mesa``
    does not."""
    mesa_only = _importtime([sys.executable, "-X", "importtime", "-c", "import mesa"], env)
    with tempfile.TemporaryDirectory() as tmp:
        run = _importtime([sys.executable, "-X", "importtime", "-m", "sim", "run",
                           "istanbul-2025", "--no-plots", "--out", tmp], env)
    extra = [(name, own) for name, own in run.items() if name not in mesa_only]
    return sorted(extra, key=lambda item: -item[1])


def _importtime(command: list[str], env: dict) -> dict[str, float]:
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    found = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| (\s*)(\S+)", line)
        if match:
            found[match[3]] = int(match[1]) / 1e6
    return found


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--imports", action="store_true",
                        help="list what the run imports beyond Mesa")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="run with the environment's bytecode setting as it is")
    args = parser.parse_args()
    print(f"date (UTC): {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores; Python "
          f"{platform.python_version()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as cache:
        env = environment(None if args.no_bytecode_cache else Path(cache))
        print("bytecode: " + ("as the environment has it (PYTHONDONTWRITEBYTECODE="
                              f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})"
                              if args.no_bytecode_cache else "cached (a temporary cache)"))
        times, cpu = rounds(args.repeats, Path(out), env)
        extra = imported_beyond_mesa(env) if args.imports else []
    print(f"load average at end: {os.getloadavg()[0]:.2f}\n")
    for name, values in times.items():
        print(f"{name:15s} best {min(values):.3f} s, median {statistics.median(values):.3f} s "
              f"({', '.join(f'{v:.2f}' for v in values)}); CPU median "
              f"{statistics.median(cpu[name]):.3f} s")
    over = [run - mesa for run, mesa in zip(times["negsim run"], times["import mesa"],
                                            strict=True)]
    best_over = min(times["negsim run"]) - min(times["import mesa"])
    cpu_over = statistics.median(cpu["negsim run"]) - statistics.median(cpu["import mesa"])
    print(f"\nnegsim run minus import mesa: best against best {best_over:+.3f} s, median of "
          f"the rounds' differences {statistics.median(over):+.3f} s; CPU time, median "
          f"against median {cpu_over:+.3f} s")
    print(f"target (1), at most {TARGET_RUN_OVER_MESA_S} s more than import mesa: "
          f"{verdict(statistics.median(over) <= TARGET_RUN_OVER_MESA_S)} (median difference)")
    print(f"target (2), negsim --help under {TARGET_HELP_S} s: "
          f"{verdict(statistics.median(times['negsim --help']) < TARGET_HELP_S)} (median)")
    if args.imports:
        print(f"\nimported by negsim run beyond import mesa: {len(extra)} modules, "
              f"{sum(own for _, own in extra):.3f} s of their own import time; the largest:")
        for name, own in extra[:15]:
            print(f"  {own * 1000:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
