"""The browser view serves this computer only, unless ``--host`` says otherwise.

``negsim view istanbul-2025 --port P`` is started for real (Solara's server). Once it
listens, the test reads the server's own listening sockets (``psutil``) and tries to connect
through each of this machine's non-loopback addresses (and only this machine's): by default
the one socket is bound to 127.0.0.1 and every such connection is refused. With an explicit
``--host 0.0.0.0`` the same checks see the server reachable from the network, which shows
that they can tell the two apart.
"""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ports import free_port
from tally import COUNTS

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.timeout(90)

START_GUARD = 60


def own_non_loopback_addresses() -> list[str]:
    """This machine's own IPv4 and IPv6 addresses, loopback and link-local left out."""
    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            ip = ipaddress.ip_address(address.address.split("%")[0])
            if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
                found.append(str(ip))
    return found


def serve(cwd: Path, *extra: str) -> tuple[subprocess.Popen, int, list]:
    """Start ``negsim view istanbul-2025`` on a free port; return it once it listens, with the
    port and its listening sockets."""
    port = free_port()
    try:
        import solara  # noqa: F401
    except ImportError:
        pytest.skip("Solara is not installed (pip install -e '.[view]')")
    process = subprocess.Popen([sys.executable, "-m", "sim", "view", "istanbul-2025",
                                "--port", str(port), *extra], cwd=cwd, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + START_GUARD
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"negsim view exited: {process.stdout.read()}")
        listening = [c for c in psutil.Process(process.pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN]
        if any(c.laddr.port == port for c in listening):
            COUNTS["view bindings checked"] += 1
            return process, port, listening
        time.sleep(0.1)
    stop(process)
    pytest.fail(f"negsim view did not listen on port {port} within {START_GUARD} s")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out


def reachable(host: str, port: int) -> bool:
    """Whether a TCP connection to ``host:port`` is accepted (refused: False)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(5)
        try:
            probe.connect((host, port))
        except ConnectionRefusedError:
            return False
    return True


def test_the_view_listens_on_127_0_0_1_only_by_default(tmp_path):
    process, port, listening = serve(tmp_path)
    try:
        assert [(c.laddr.ip, c.laddr.port) for c in listening] == [("127.0.0.1", port)]
        assert reachable("127.0.0.1", port)
        for address in own_non_loopback_addresses():
            assert not reachable(address, port), f"the view answers on {address}:{port}"
    finally:
        out = stop(process)
    assert f"Open http://127.0.0.1:{port}/ in a browser" in out


def test_an_explicit_host_is_obeyed(tmp_path):
    """``--host 0.0.0.0`` is the student's explicit choice: then the network may connect."""
    process, port, listening = serve(tmp_path, "--host", "0.0.0.0")
    try:
        assert [(c.laddr.ip, c.laddr.port) for c in listening] == [("0.0.0.0", port)]
        for address in own_non_loopback_addresses():
            if ":" not in address:  # 0.0.0.0 is IPv4 only
                assert reachable(address, port)
    finally:
        stop(process)
