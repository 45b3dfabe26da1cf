"""``negsim`` in a real process with one fault placed in it, for the tests that send real
signals or lose worker processes::

    TEST_FAULT=kill:3 python -m negsim_with_faults run istanbul-2025 --workers 2 ...

It calls negsim's own command line, :func:`sim.cli.main`, with the machinery that
:func:`faults.machinery` builds for ``TEST_FAULT``: the same commands, options, messages and
exit codes as ``negsim``. ``TEST_FAULT`` is read here only (negsim reads no variable).

One fault acts before negsim does: ``slow-start:FILE``. A local worker process is spawned:
it imports this script as ``__mp_main__`` before negsim's pool initializer runs. The first
worker to start writes its pid to FILE there and waits (10 s at most) for ``FILE.release``,
as a slow laptop holds a starting worker for a moment at every ``--workers N``.
"""

import os
import sys
import time
from pathlib import Path


def slow_start(marker: Path) -> None:
    try:  # the first worker to start is slow; the others start at once
        os.close(os.open(f"{marker}.taken", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(str(os.getpid()))
    tmp.rename(marker)
    for _ in range(200):
        if marker.with_name(marker.name + ".release").exists():
            return
        time.sleep(0.05)


FAULT = os.environ.get("TEST_FAULT", "")

if __name__ == "__mp_main__" and FAULT.startswith("slow-start:"):
    slow_start(Path(FAULT.partition(":")[2]))

if __name__ == "__main__":
    from faults import machinery  # by module name, so that workers unpickle its functions

    from sim.cli import main

    sys.argv[0] = "negsim"
    main(machinery=machinery(FAULT))
