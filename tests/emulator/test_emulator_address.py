"""The emulator's collaborators alone, no server running: its Address, Gate and SessionBook."""

from __future__ import annotations

import logging
import os
import ssl
import threading
from http import HTTPStatus
from typing import Any

import pytest
from websockets.datastructures import Headers
from websockets.http11 import Request

from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.addresses import Address
from gemlive_nb.emulator.records import SessionBook
from gemlive_nb.emulator.routes import Gate
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.secret import Secret

GOOGLE_PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"


# --- Address: where the emulator is reached, and how to trust it ---------------------------


def test_an_address_names_the_bound_port_once_bound() -> None:
    address = Address("127.0.0.1", 0)
    assert (address.port, address.url, address.serving) == (0, "ws://127.0.0.1:0", False)
    address.bound(9000)
    assert address.serving and address.port == 9000
    assert address.url == "ws://127.0.0.1:9000"
    assert address.google_base_url == "http://127.0.0.1:9000"
    assert address.google_url("v1alpha") == (
        "ws://127.0.0.1:9000/ws/google.ai.generativelanguage.v1alpha"
        ".GenerativeService.BidiGenerateContent"
    )
    assert address.proxy_url("m") == "ws://127.0.0.1:9000/v1beta/models/m/liveStream"
    address.released()
    assert not address.serving and address.url == "ws://127.0.0.1:9000"  # still readable


def test_an_address_without_tls_has_nothing_to_trust_and_no_sdk_options() -> None:
    address = Address("127.0.0.1", 9000)
    assert address.server_context() is None
    address.bound(9000)
    assert (address.ca_file, address.certificates, address.ssl_context()) == (None, None, None)
    with pytest.raises(ConfigError, match=r"tls=True"):
        address.sdk_http_options()


def test_a_tls_address_makes_its_certificate_once_and_drops_it_when_released() -> None:
    address = Address("127.0.0.1", 0, tls=True)
    assert address.url.startswith("wss://") and address.google_base_url.startswith("https://")
    assert address.ca_file is None  # no certificate before the server asks for one
    assert isinstance(address.server_context(), ssl.SSLContext)
    certificates = address.certificates
    assert certificates is not None and address.ca_file == certificates.ca_file
    address.server_context()
    assert address.certificates is certificates  # one certificate per start
    with pytest.raises(ConfigError, match="start the emulator first"):
        address.sdk_http_options()  # not bound yet
    address.bound(9443)
    options = address.sdk_http_options("v1alpha")
    assert (options.base_url, options.api_version) == ("https://127.0.0.1:9443", "v1alpha")
    assert options.async_client_args is not None
    assert isinstance(options.async_client_args["ssl"], ssl.SSLContext)
    assert isinstance(address.ssl_context(), ssl.SSLContext)
    address.released()
    assert (address.certificates, address.ca_file, address.ssl_context()) == (None, None, None)
    assert not os.path.exists(certificates.key_file)  # the server key goes with the server


def test_the_emulator_reads_its_address_and_is_no_mixin() -> None:
    emu = Emulator(host="127.0.0.1", port=0, tls=True)
    assert [c for c in Emulator.__mro__ if c.__module__.startswith("gemlive_nb")] == [Emulator]
    assert (emu.host, emu.tls, emu.port, emu.certificates) == ("127.0.0.1", True, 0, None)
    emu.address.bound(9443)  # what start() tells it
    assert emu.port == 9443 and emu.url == "wss://127.0.0.1:9443"
    assert emu.google_base_url == emu.address.google_base_url
    assert emu.google_url() == emu.address.google_url()
    assert emu.proxy_url("m") == emu.address.proxy_url("m")
    assert (emu.ca_file, emu.ssl_context()) == (None, None)
    emu.address.released()
    with pytest.raises(ConfigError, match="start the emulator first"):
        emu.sdk_http_options()


# --- Gate: who may connect -----------------------------------------------------------------


class FakeConnection:
    """Stands in for a websockets ServerConnection: records what the gate answers."""

    def respond(self, status: HTTPStatus, text: str) -> tuple[HTTPStatus, str]:
        return status, text


def _request(path: str = GOOGLE_PATH, **headers: str) -> Request:
    return Request(path, Headers({k.replace("_", "-"): v for k, v in headers.items()}))


def test_the_gate_refuses_other_origins_hosts_and_paths_before_the_upgrade() -> None:
    address = Address("127.0.0.1", 0)
    gate = Gate(address, ("http://localhost:8888",), None)
    address.bound(9000)
    conn = FakeConnection()
    answer: Any = gate.process_request(conn, _request(Origin="https://evil.example"))
    assert answer[0] == HTTPStatus.FORBIDDEN and "evil.example" in answer[1]
    answer = gate.process_request(conn, _request(Host="evil.example:9000"))
    assert answer[0] == HTTPStatus.FORBIDDEN and "127.0.0.1:9000" in answer[1]  # the bound port
    answer = gate.process_request(conn, _request("/nowhere", Host="127.0.0.1:9000"))
    assert answer[0] == HTTPStatus.NOT_FOUND
    assert gate.process_request(conn, _request(Origin="http://localhost:8888")) is None
    assert gate.process_request(conn, _request(Host="localhost:9000")) is None


def test_the_gate_checks_the_key_wherever_the_request_carries_it() -> None:
    gate = Gate(Address("127.0.0.1", 9000), (), Secret("k-123"))
    assert gate.authorised(_request(GOOGLE_PATH + "?key=k-123"))
    assert gate.authorised(_request(x_goog_api_key="k-123"))
    assert gate.authorised(_request(Authorization="Bearer k-123"))
    assert not gate.authorised(_request(GOOGLE_PATH + "?key=k-124"))
    assert not gate.authorised(_request())
    assert Gate(Address("127.0.0.1"), (), None).authorised(_request())  # no key: anyone


# --- SessionBook: what each connection did, and waiting for it ------------------------------


def test_the_book_numbers_records_and_wakes_waiters_in_other_threads(caplog) -> None:
    caplog.set_level(logging.INFO, logger="gemlive_nb.emulator")
    book = SessionBook()
    with pytest.raises(TimeoutError, match="only 0 of 1 sessions"):
        book.wait_for(1, timeout=0)
    first = book.open("/ws/one", {})
    threading.Timer(0.05, lambda: book.open("/ws/two", {"x": "y"})).start()
    second = book.wait_for(2, timeout=5)
    assert (first.id, second.id, second.headers) == (1, 2, {"x": "y"})
    assert book.records == [first, second]
    with pytest.raises(TimeoutError, match="session 1 still open"):
        book.wait_closed(1, timeout=0)
    threading.Timer(0.05, lambda: book.close(first, "proxy", None)).start()
    assert book.wait_closed(1, timeout=5) is first and first.ended is not None
    assert second.ended is None
    assert "session 1 proxy /ws/one no setup messages=0 turns=0 closed" in caplog.text
