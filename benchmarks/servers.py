"""Starting and stopping a Streamlit server for a script, for the browser tests and the
benchmark's browser probe: on a free port of the loopback, headless, its output in a log file,
ready once its health check answers. And the browser both drive: Debian's Chromium, never a
downloaded one."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60
CHROMIUM = os.environ.get("PTDV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@dataclass
class Server:
    """A running server: its base URL, its database file (None for PostgreSQL or none), its process."""

    url: str
    db: Path | None
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(script: Path, env: dict[str, str], log: Path, *, db: Path | None = None) -> Server:
    """`streamlit run script` with `env`, waited for until it answers its health check."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return Server(url, db, process)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{script.name} did not start within {START_TIMEOUT_S} s; see {log}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
