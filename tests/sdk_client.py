"""An official google-genai client pointed at a local emulator (PROTOCOL.md §6 option B).

Its own module, not ``conftest``: test files import it by name, and ``conftest`` is ambiguous
once the browser tier's ``conftest.py`` is collected too.
"""

from __future__ import annotations

from typing import Any

from gemlive_nb.emulator import Emulator

__all__ = ["genai_client_for"]


def genai_client_for(emu: Emulator, api_key: str = "test-key", api_version: str = "v1beta") -> Any:
    """An unmodified google-genai client whose Live connections go to ``emu``."""
    from google import genai
    from google.genai import types

    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(api_version=api_version))
    client._api_client._websocket_base_url = lambda http_options=None: emu.url
    client._api_client._websocket_ssl_ctx = {}
    return client
