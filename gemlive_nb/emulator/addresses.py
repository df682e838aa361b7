"""Where an emulator can be reached, and how to trust it: :class:`Address`.

The :class:`~gemlive_nb.emulator.Emulator` owns one and tells it when the server is bound and
when it stops; the emulator's ``url``, ``ca_file``, ``sdk_http_options()``... read it. Example::

    with Emulator(tls=True) as emu:
        emu.url                 # 'wss://127.0.0.1:PORT'
        emu.ca_file             # the CA to trust (SSL_CERT_FILE=...)
        emu.sdk_http_options()  # google.genai.types.HttpOptions for an unmodified SDK client
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

from ..exceptions import ConfigError
from .tls import Certificates, make_certificates

if TYPE_CHECKING:
    from google.genai.types import HttpOptions

__all__ = ["Address"]


class Address:
    """The host, the port (the bound one once the server runs), TLS and its certificates.

    Example::

        address = Address("127.0.0.1", 0)
        address.bound(9000)
        address.url                      # 'ws://127.0.0.1:9000'
        address.proxy_url("gemini-x")    # 'ws://127.0.0.1:9000/v1beta/models/gemini-x/liveStream'
    """

    def __init__(self, host: str, port: int = 0, *, tls: bool = False) -> None:
        self.host = host
        self.tls = bool(tls)
        self._port = port
        self._certificates: Certificates | None = None
        self._serving = False

    # ------------------------------------------------------------------ what the server tells it

    def server_context(self) -> ssl.SSLContext | None:
        """The server's SSL context (None without TLS), making the certificate once per start.

        Blocking (it generates a key): call it off the event loop.
        """
        if not self.tls:
            return None
        if self._certificates is None:
            self._certificates = make_certificates(self.host)
        return self._certificates.server_context()

    def bound(self, port: int) -> None:
        """The server listens on ``port``: the URLs name it from now on."""
        self._port = port
        self._serving = True

    def released(self) -> None:
        """The server stopped: the certificate's key goes with it (the port stays readable)."""
        self._serving = False
        if self._certificates is not None:
            self._certificates.remove()
            self._certificates = None

    # ------------------------------------------------------------------ what clients read

    @property
    def serving(self) -> bool:
        """True between :meth:`bound` and :meth:`released`."""
        return self._serving

    @property
    def port(self) -> int:
        """The bound port (the requested one, 0 for any, until bound)."""
        return self._port

    @property
    def certificates(self) -> Certificates | None:
        """The certificate files while a TLS server runs, else None."""
        return self._certificates

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
        return self._certificates.ca_file if self._certificates else None

    def ssl_context(self) -> ssl.SSLContext | None:
        """A client :class:`ssl.SSLContext` trusting this emulator (None without TLS)."""
        return self._certificates.client_context() if self._certificates else None

    def sdk_http_options(self, api_version: str = "v1beta") -> HttpOptions:
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
        if not self._serving:
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
