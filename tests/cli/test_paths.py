"""Every file or folder argument of every command: a bad one is one line, exit 2, no traceback,
and nothing written (issue 11, "no traceback on any path argument").

The commands and their path parameters are found by looking into the registered Typer/Click
commands, not listed by hand: a new command's path parameter is driven through the table of
bad paths of its kind (:mod:`sim.cli.paths`), and one that declares no kind, or a kind this
table does not know, fails :func:`test_every_path_parameter_declares_a_kind_known_here`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import typer
from fakes import BASELINE
from typer.testing import CliRunner

from sim.cli import app, paths
from sim.cli.experiments import Machinery
from sim.scenario.loader import shipped_folder, shipped_scenarios

runner = CliRunner()
COMMANDS = typer.main.get_command(app).commands
SWEEP = shipped_folder() / "sweeps" / "trust-vs-monitoring.yaml"
FINISHED = "results/istanbul-2025/20250514-000000-ab12"
INTERRUPTED = "results/istanbul-2025/20250514-000001-cd34.partial"
SWEPT = "results/trust-vs-monitoring/20250514-000002-ef56"
ROBUST_FILE = shipped_folder() / "robust" / "us-levers.yaml"
SHIPPED = ", ".join(shipped_scenarios())

# -- which parameters are paths --------------------------------------------------------------

PATH_WORDS = re.compile(r"file|folder|dir|path|yaml|scenario|sweep|results|out\b|resume|from",
                        re.IGNORECASE)
"""Words in a parameter's name, flags or metavar that say it takes a file or folder."""

NOT_PATHS = {"overrides": "--set PATH=VALUE: a dotted path inside the scenario, not a file",
             "ranges": "--range PATH=LO:HI: a dotted path inside the scenario, not a file"}
"""Parameters whose names look like paths but are not, with the reason."""


def kind_of(param) -> paths.PathKind | None:
    """The kind a parameter declares (its Typer ``parser``), if any."""
    parser = param.type_descriptor.parameter_info.parser
    return parser if isinstance(parser, paths.PathKind) else None


def looks_like_a_path(param) -> bool:
    words = " ".join([param.name, *param.opts, param.metavar or ""])
    descriptor = param.type_descriptor
    return descriptor.is_path or descriptor.is_file or bool(PATH_WORDS.search(words))


def path_parameters() -> list[tuple[str, object]]:
    """(command name, parameter) for every parameter that takes a file or folder."""
    return [(name, param) for name, command in COMMANDS.items() for param in command.params
            if kind_of(param) or (looks_like_a_path(param) and param.name not in NOT_PATHS)]


# -- the bad paths of each kind, with the message each must give ------------------------------

UNUSABLE = "cannot be used"
BAD: dict[str, dict[str, tuple[str, str]]] = {
    # kind: {case: (the path as typed, the one-line message)}
    paths.SCENARIO.name: {
        "no such file": ("nowhere/x.yaml", "cannot find the scenario file 'nowhere/x.yaml'"),
        "misspelt name": ("istanbul-2052", "cannot find scenario 'istanbul-2052': no such file, "
                          "no scenarios/istanbul-2052.yaml here, and no shipped scenario of that "
                          f"name; did you mean 'istanbul-2025'? shipped: {SHIPPED}"),
        "a folder": ("afolder", "'afolder' is a folder; give a scenario file or a scenario name"),
        "below a file": ("afile/x.yaml", "cannot find the scenario file 'afile/x.yaml'"),
        "a sweep file": ("sweep.yaml", "!sweep.yaml:2:1  kind: this is a sweep file, not a "
                         "scenario: run it with negsim sweep sweep.yaml"),
        "a sweep's name": ("trust-vs-monitoring", "'trust-vs-monitoring' is a sweep, not a "
                           "scenario: run it with negsim sweep trust-vs-monitoring"),
        "unusable name": ("x" * 300, f"'{'x' * 77}...' {UNUSABLE} (File name too long)"),
    },
    paths.SWEEP.name: {
        "no such file": ("nowhere/x.yaml", "cannot find the sweep file 'nowhere/x.yaml'; shipped "
                         "sweeps: baseline-sobol, ceasefire-regions, trust-vs-monitoring"),
        "a folder": ("afolder", "'afolder' is a folder; give a sweep file, e.g. "
                     "scenarios/sweeps/trust-vs-monitoring.yaml"),
        "a scenario": ("scenario.yaml", "!scenario.yaml:1:1  this is a scenario, not a sweep: run "
                       "it with negsim run scenario.yaml (a sweep file starts with kind: sweep)"),
        "a scenario's name": ("istanbul-2025", "'istanbul-2025' is a scenario, not a sweep: run "
                              "it with negsim run istanbul-2025"),
    },
    paths.ROBUST.name: {
        "no such file": ("nowhere/x.yaml", "cannot find the robust file 'nowhere/x.yaml'; "
                         "shipped robust files: us-levers"),
        "misspelt name": ("us-lever", "cannot find the robust file 'us-lever'; did you mean "
                          "'us-levers'? shipped robust files: us-levers"),
        "a folder": ("afolder", "'afolder' is a folder; give a robust file, e.g. "
                     "scenarios/robust/us-levers.yaml"),
        "a sweep file": ("sweep.yaml", "!sweep.yaml:2:1  kind: this is a sweep file, not a "
                         "robust file: run it with negsim sweep sweep.yaml"),
        "a scenario's name": ("istanbul-2025", "'istanbul-2025' is a scenario, not a robust "
                              "file: run it with negsim run istanbul-2025"),
    },
    paths.SWEEP_RESULTS.name: {
        "no such folder": ("nowhere", "'nowhere' does not exist"),
        "a file": ("afile", "'afile' is a file, not a folder"),
        "not results": ("afolder", "'afolder' is not a results folder (it has no metadata.json)"),
        "a run's folder": (FINISHED, f"'{FINISHED}' holds the results of negsim run, not of a "
                           "sweep: give the folder of negsim sweep"),
        "interrupted": (INTERRUPTED, f"'{INTERRUPTED}' is an interrupted run, not finished "
                        f"results: finish it with negsim run --resume {INTERRUPTED}"),
    },
    paths.RESULTS.name: {
        "no such folder": ("nowhere", "'nowhere' does not exist"),
        "a file": ("afile", "'afile' is a file, not a folder"),
        "not results": ("afolder", "'afolder' is not a results folder (it has no metadata.json)"),
        "the scenario's folder": ("results/istanbul-2025", "'results/istanbul-2025' holds "
                                  f"results folders; give one of them, e.g. {FINISHED}"),
        "interrupted": (INTERRUPTED, f"'{INTERRUPTED}' is an interrupted run, not finished "
                        f"results: finish it with negsim run --resume {INTERRUPTED}"),
        "finished since": (FINISHED + ".partial", f"'{FINISHED}.partial' does not exist any "
                           f"more: it was finished as '{FINISHED}'"),
    },
    paths.PARTIAL.name: {
        "no such folder": ("nowhere.partial", "'nowhere.partial' does not exist"),
        "a file": ("afile", "'afile' is a file, not a folder"),
        "finished": (FINISHED, f"'{FINISHED}' is already complete; there is nothing to resume"),
        "not interrupted": ("afolder", "'afolder' is not an interrupted job (its name would end "
                            "in '.partial', as the interruption message says)"),
    },
    paths.OUTPUT_FOLDER.name: {
        "a file": ("afile", "'afile' is a file, not a folder"),
        "unwritable: below a file": ("afile/out", "'afile/out' cannot be created: 'afile' is a "
                                     "file"),
        "unusable name": ("x" * 300, f"'{'x' * 77}...' {UNUSABLE} (File name too long)"),
    },
    paths.OUTPUT_FILE.name: {
        "a folder": ("afolder", "'afolder' is a folder; give the name of a file to write"),
        "no such folder": ("nowhere/x.txt", "'nowhere/x.txt' cannot be written: there is no "
                           "folder 'nowhere'"),
        "unwritable: below a file": ("afile/x.txt", "'afile/x.txt' cannot be written: 'afile' "
                                     "is a file"),
    },
    paths.SCENARIOS_FOLDER.name: {
        "a file": ("afile", "'afile' is a file, not a folder"),
        "unwritable: below a file": ("afile/mine", "'afile/mine' cannot be created: 'afile' is a "
                                     "file"),
        "the shipped folder": (str(shipped_folder()), f"'{shipped_folder()}' is negsim's own "
                               "folder of shipped scenarios: keep yours apart, e.g. --folder "
                               "my-scenarios (then negsim run my-scenarios/NAME.yaml), or run "
                               "negsim from a folder of your own"),
    },
}
"""A message starting with ``!`` is the loader's (it reads the file), not the parser's."""

GOOD = {paths.SCENARIO.name: "istanbul-2025", paths.SWEEP.name: "trust-vs-monitoring",
        paths.ROBUST.name: "us-levers", paths.RESULTS.name: FINISHED,
        paths.SWEEP_RESULTS.name: SWEPT, "name": "negsim-path-test"}
"""A good value for each required argument that is not under test."""

AFTER_THE_BAD_ONE = {"compare": ["istanbul-2025"]}
"""Good values given after the bad one: compare wants two scenarios before it loads any."""


def cases() -> list:
    found = []
    for command, param in path_parameters():
        kind = kind_of(param)
        table = BAD.get(kind.name, {}) if kind else {}
        found += [pytest.param(command, param.name, case, id=f"{command}-{param.name}-{case}")
                  for case in table]
    return found


# -- the folder the commands run in ----------------------------------------------------------


@pytest.fixture
def place(tmp_path, monkeypatch) -> Path:
    """A folder holding one of everything the bad paths name."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a folder\n")
    (tmp_path / "afolder").mkdir()
    shutil.copy(SWEEP, tmp_path / "sweep.yaml")
    shutil.copy(BASELINE, tmp_path / "scenario.yaml")
    for folder, kind in ((FINISHED, "run"), (INTERRUPTED, "run"), (SWEPT, "sweep")):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "metadata.json").write_text(json.dumps({"kind": kind}))
    return tmp_path


def argv(command: str, name: str, bad: str) -> list[str]:
    """The command line: required arguments filled with good values, the one under test bad."""
    args, options = [command], []
    for param in COMMANDS[command].params:
        if param.name == name and param.param_type_name == "argument":
            args += [bad, *AFTER_THE_BAD_ONE.get(command, [])]
        elif param.name == name:
            options += [param.opts[0], bad]
        elif param.param_type_name == "argument" and param.required:
            kind = kind_of(param)
            args.append(GOOD[kind.name if kind else param.name])
    return args + options


def snapshot(*folders: Path) -> dict:
    return {p: p.stat().st_mtime_ns for folder in folders for p in folder.rglob("*")}


def error_hint(command: str, name: str) -> str:
    """How click names the parameter in 'Invalid value for ...'."""
    param = next(p for p in COMMANDS[command].params if p.name == name)
    if param.param_type_name == "argument":
        return f"'{param.metavar}'"
    return " / ".join(f"'{flag}'" for flag in param.opts)


# -- the tests -------------------------------------------------------------------------------


def test_every_path_parameter_declares_a_kind_known_here():
    found = path_parameters()
    assert len(found) >= 20  # run 3, compare 3, sweep 3, validate, show, new 2, schema, docs,
    #                          trace, plot, report 2, view: the commands of issue 11; screen 3
    missing = [f"{command} {param.name}" for command, param in found if kind_of(param) is None]
    assert missing == [], f"declare a kind (sim/cli/paths.py) for: {missing}"
    unknown = {kind_of(p).name for _, p in found} - set(BAD)
    assert unknown == set(), f"add bad paths of kinds {unknown} to BAD in this file"


def test_every_kind_is_used_by_some_command():
    used = {kind_of(p).name for _, p in path_parameters() if kind_of(p)}
    assert used == {kind.name for kind in paths.KINDS}


@pytest.mark.parametrize(("command", "name", "case"), cases())
def test_a_bad_path_is_one_line_exit_2_and_writes_nothing(place, monkeypatch, command, name,
                                                          case):
    import sim.view.server

    def never(*args, **kwargs):  # if a check were missing, the view must not serve forever
        raise AssertionError("negsim view started serving")

    monkeypatch.setattr(sim.view.server, "serve", never)
    param = next(p for p in COMMANDS[command].params if p.name == name)
    bad, message = BAD[kind_of(param).name][case]
    before = snapshot(place, shipped_folder())
    result = runner.invoke(app, argv(command, name, bad))
    expected = (message[1:] if message.startswith("!")
                else f"Invalid value for {error_hint(command, name)}: {message}")
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    assert result.stderr == f"error: {expected}\n"
    assert snapshot(place, shipped_folder()) == before


@pytest.mark.parametrize(("kind", "given", "refused", "message"), [
    (paths.OUTPUT_FOLDER, "afolder", "afolder", "cannot write in 'afolder' (permission denied)"),
    (paths.OUTPUT_FOLDER, "afolder/new", "afolder", "'afolder/new' cannot be created: cannot "
                                                    "write in 'afolder'"),
    (paths.OUTPUT_FILE, "afolder/x.txt", "afolder", "'afolder/x.txt' cannot be written: cannot "
                                                    "write in 'afolder'"),
    (paths.OUTPUT_FILE, "afile", "afile", "'afile' cannot be written over (permission denied)"),
    (paths.PARTIAL, INTERRUPTED, INTERRUPTED, f"cannot write in '{INTERRUPTED}' (permission "
                                              "denied)"),
    (paths.RESULTS, FINISHED, FINISHED, f"'{FINISHED}' cannot be read (permission denied)"),
], ids=["folder", "below a folder", "file in a folder", "file", "resume", "results"])
def test_what_os_access_refuses_is_refused_in_one_line(place, monkeypatch, kind, given,
                                                        refused, message):
    """CI runs as root, for whom os.access allows everything: its refusal (to write; to read
    for a results folder) is simulated for the one path, to check each kind's message."""
    real, mode_refused = os.access, os.R_OK if kind is paths.RESULTS else os.W_OK
    monkeypatch.setattr(os, "access", lambda path, mode, **options: real(path, mode, **options)
                        and not (Path(path).absolute() == place / refused and mode & mode_refused))
    with pytest.raises(typer.BadParameter) as caught:
        kind(given)
    assert caught.value.message == message


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("args", [
    ["run", "istanbul-2025", "--runs", "5", "--no-plots", "--out", "/proc/negsim-test"],
    ["new", "mine", "--folder", "/proc/negsim-test"],
    ["schema", "--out", "/proc/negsim-test.json"],
    ["docs", "--out", "/proc/negsim-test.md"],
    ["report", FINISHED, "--out", "/proc/negsim-test.html"],
], ids=["run", "new", "schema", "docs", "report"])
def test_a_place_the_system_refuses_is_one_line_too(place, fake_engine, args):
    """/proc looks writable to os.access when running as root (as CI does), and refuses
    anyway: the real error is caught where the file is written."""
    if args[0] == "report":  # a results folder complete enough to render
        runner.invoke(app, ["run", str(BASELINE), "--runs", "5", "--no-plots", "--out", "made"],
                      obj=Machinery(engine=fake_engine))
        made = next((place / "made" / "istanbul-2025").iterdir())
        args = [args[0], str(made), *args[2:]]
    before = snapshot(place)
    result = runner.invoke(app, args, obj=Machinery(engine=fake_engine))
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "/proc/negsim-test" in result.stderr and "Traceback" not in result.output
    assert snapshot(place) == before
