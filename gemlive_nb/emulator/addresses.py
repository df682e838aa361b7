"""Where a running :class:`~gemlive_nb.emulator.Emulator` can be reached, and how to trust it.

Example::

    with Emulator(tls=True) as emu:
        emu.url                 # 'wss://127.0.0.1:PORT'
        emu.ca_file             # the CA to trust (SSL_CERT_FILE=...)
        emu.sdk_http_options()  # google.genai.types.HttpOptions for an unmodified SDK client
"""

from __future__ import annotations

from typing import Any

from ..exceptions import ConfigError
from .tls import Certificates

__all__ = ["Addresses"]


class Addresses:
    """URLs of the emulator's endpoints and what a client needs to trust its certificate."""

    host: str
    tls: bool
    certificates: Certificates | None
    _port: int
    _thread: Any

    @property
    def port(self) -> int:
        """The bound port (known once started)."""
        return self._port

    @property
    def url(self) -> str:
        """``ws://host:port`` (``wss://`` with TLS): the base for every Live path."""
        return f"{'wss' if self.tls else 'ws'}://{self.host}:{self._port}"

    @property
    def google_base_url(self) -> str:
        """``http://host:port`` (``https://`` with TLS), for an SDK ``base_url``."""
        return f"{'https' if self.tls else 'http'}://{self.host}:{self._port}"

    @property
    def ca_file(self) -> str | None:
        """With ``tls=True``, the PEM file of the CA that signed this emulator's certificate."""
        return self.certificates.ca_file if self.certificates else None

    def ssl_context(self) -> Any:
        """A client :class:`ssl.SSLContext` trusting this emulator (None without TLS)."""
        return self.certificates.client_context() if self.certificates else None

    def sdk_http_options(self, api_version: str = "v1beta") -> Any:
        """The ``google.genai.types.HttpOptions`` that point an unmodified SDK client here.

        Needs ``tls=True`` (the SDK always dials ``wss://``). google-genai is imported only here.
        Example::

            with Emulator(tls=True) as emu:
                client = genai.Client(api_key="any", http_options=emu.sdk_http_options())
                async with client.aio.live.connect(model=MODEL, config=config) as session: ...
        """
        from google.genai import types

        if not self.tls:
            raise ConfigError(
                "the google-genai SDK dials wss:// only: start the emulator with "
                "Emulator(tls=True) (or --tls) to use sdk_http_options()"
            )
        if not self._thread:
            raise ConfigError("start the emulator first (emu.start() or `with Emulator(...)`)")
        return types.HttpOptions(
            base_url=self.google_base_url,
            api_version=api_version,
            async_client_args={"ssl": self.ssl_context()},
        )

    def google_url(self, version: str = "v1beta") -> str:
        """The full Google AI Live URL on this emulator."""
        return (
            f"{self.url}/ws/google.ai.generativelanguage.{version}"
            ".GenerativeService.BidiGenerateContent"
        )

    def proxy_url(self, model: str = "gemini-live-2.5-flash-native-audio") -> str:
        """The mixroute-style proxy URL on this emulator."""
        return f"{self.url}/v1beta/models/{model}/liveStream"
