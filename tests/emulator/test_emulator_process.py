"""The emulator as a child process: what a kernel with no API key talks to."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from gemlive_nb.emulator.process import EmulatorProcess
from gemlive_nb.exceptions import GemliveError
from gemlive_nb.session import connect


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


async def test_a_session_talks_to_the_child_and_the_child_logs_it():
    with EmulatorProcess("--speech", "builtin") as emu:
        assert emu.url and emu.url.startswith("ws://127.0.0.1:")
        async with connect(endpoint=emu.url, voice="Kore") as s:
            turn = await s.ask("My name is Ada.")
        assert "Ada" in turn.output_transcript and turn.audio.duration > 0.5
        deadline = time.monotonic() + 5
        while not any("session 1" in line for line in emu.log) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any("session 1" in line and "voice=Kore" in line for line in emu.log)


def test_stop_ends_the_child():
    emu = EmulatorProcess().start()
    port = int(emu.url.rsplit(":", 1)[1])
    assert _port_open(port)
    emu.stop()
    assert not _port_open(port)
    assert "not running" in repr(EmulatorProcess())


def test_the_child_dies_with_a_killed_parent(tmp_path):
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from gemlive_nb.emulator.process import EmulatorProcess\n"
            "import time\n"
            "print(EmulatorProcess().start().url, flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    url = parent.stdout.readline().strip()
    port = int(url.rsplit(":", 1)[1])
    assert _port_open(port)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _port_open(port), "the emulator outlived the process that started it"


def test_a_child_that_cannot_start_reports_its_output():
    with pytest.raises(GemliveError, match=r"(?s)did not start.*invalid choice: 'klingon'"):
        EmulatorProcess("--dialect", "klingon").start()


async def test_a_mixroute_child_passed_as_endpoint_speaks_its_dialect():
    with EmulatorProcess("--dialect=mixroute", "--speech", "builtin") as emu:
        assert emu.dialect == "mixroute"
        async with connect(endpoint=emu) as s:
            assert s.endpoint.dialect == "mixroute"
            turn = await s.ask("Hello there.")
        assert turn.usage is not None and turn.usage.dialect == "mixroute"
    assert EmulatorProcess("--dialect", "google").dialect == "google"
