"""IPython magics: ``%gemlive ...`` and ``%%gemlive``, loaded by ``%load_ext gemlive_nb``.

One Live session per shell is kept between cells (``%gemlive connect`` / ``disconnect``);
``%%gemlive`` connects with defaults when there is none yet::

    %load_ext gemlive_nb
    %gemlive connect --voice Puck --language de-DE
    %%gemlive
    Tell me a joke about owls.              # the reply plays and its transcript shows
    %gemlive compare voices "Say hi" --voices Puck,Kore,Charon
    %gemlive help
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any, NoReturn

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class

from ._sync import run_sync

__all__ = ["GemliveMagics", "load_ipython_extension", "unload_ipython_extension"]

HELP = """\
%gemlive connect [--voice V] [--language L] [--endpoint E] [--model M] [--system TEXT]
                                 open this shell's Live session (closes the previous one)
%gemlive disconnect              close it
%gemlive status                  show the session (or that there is none)
%gemlive voices                  the 30 voices and their styles
%gemlive languages               the supported languages
%gemlive widget                  the voice widget (mic, speaker, transcript) for this session
%gemlive compare voices "prompt" [--voices a,b] [--concurrency N]
%gemlive compare languages "prompt" [--languages de-DE,fr-FR] [--concurrency N]
                                 one reply per voice/language, side by side
%gemlive explore [sentence] [--language L]
                                 the VoiceExplorer: a grid of voices to click, hear and pick
%gemlive help [COMMAND]          this help, or one command's options
%%gemlive                        the cell body is a text turn: the reply plays, its transcript shows
Without an API key the session talks to the local emulator."""


class _HelpShown(Exception):
    """argparse printed --help; stop quietly."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (naming the bad argument) instead of exiting."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        super().__init__(prog=f"%gemlive {prog}".strip(), add_help=True, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}\nusage: {self.format_usage().strip()[7:]}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status:
            raise UsageError(message or f"{self.prog}: bad arguments")
        raise _HelpShown


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _parsers() -> dict[str, _Parser]:
    connect = _Parser("connect", description="Open this shell's Live session.")
    connect.add_argument("--voice", help="a voice name, e.g. Puck (see %%gemlive voices)")
    connect.add_argument("--language", help="a BCP-47 code, e.g. de-DE")
    connect.add_argument("--endpoint", help="a ws:// or wss:// URL (default: Google or emulator)")
    connect.add_argument("--model", help="a model id (see gl.MODELS)")
    connect.add_argument("--system", help="the system instruction")
    compare = _Parser("compare", description="Ask one prompt in several voices or languages.")
    compare.add_argument("axis", choices=["voices", "languages"], help="what to vary")
    compare.add_argument("prompt", help="the prompt, quoted")
    compare.add_argument("--voices", type=_names, help="comma-separated voices (default all)")
    compare.add_argument("--languages", type=_names, help="comma-separated language codes")
    compare.add_argument("--concurrency", type=int, help="sessions at once (default: by endpoint)")
    compare.add_argument("--endpoint", help="a ws:// or wss:// URL")
    explore = _Parser("explore", description="Open the VoiceExplorer: hear and pick voices.")
    explore.add_argument("sentence", nargs="*", help="the sentence every voice says")
    explore.add_argument("--language", default="en-US", help="a BCP-47 code, e.g. de-DE")
    explore.add_argument("--endpoint", help="a ws:// or wss:// URL")
    parsers = {"connect": connect, "compare": compare, "explore": explore}
    for name, text in (
        ("disconnect", "Close this shell's Live session."),
        ("status", "Show this shell's Live session."),
        ("voices", "List the voices."),
        ("languages", "List the languages."),
        ("widget", "Show the voice widget for this shell's session."),
    ):
        parsers[name] = _Parser(name, description=text)
    helper = _Parser("help", description="Show help.")
    helper.add_argument("command", nargs="?", choices=sorted(parsers), help="a command")
    parsers["help"] = helper
    return parsers


@magics_class
class GemliveMagics(Magics):
    """``%gemlive`` / ``%%gemlive``; keeps one session per shell in ``self.session``."""

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self.session: Any = None
        self._parsers = _parsers()

    # -- plumbing
    def _disconnect(self) -> bool:
        if self.session is None:
            return False
        session, self.session = self.session, None
        session.close_sync()
        return True

    def _ensure_session(self) -> Any:
        """This shell's session; a new one (default settings) if none or it was closed."""
        if self.session is not None and self.session.status == "closed":
            self.session = None  # e.g. the widget's Disconnect button closed it
        if self.session is None:
            from .session import connect_sync

            self.session = connect_sync()
        return self.session

    # -- the magic
    @line_cell_magic
    def gemlive(self, line: str, cell: str | None = None) -> Any:
        """Gemini Live in a notebook; ``%gemlive help`` lists the commands."""
        if cell is not None:
            return self._cell(line, cell)
        try:
            words = shlex.split(line)
        except ValueError as e:
            raise UsageError(f"%gemlive: cannot parse the line ({e}); check the quotes") from None
        if not words:
            print(HELP)
            return None
        command, rest = words[0], words[1:]
        parser = self._parsers.get(command)
        if parser is None:
            from .catalog import closest

            near = closest(command, list(self._parsers))
            hint = f" — did you mean {near[0]!r}?" if near else ""
            raise UsageError(f"%gemlive: unknown command {command!r}{hint}\n\n{HELP}")
        try:
            args = parser.parse_args(rest)
        except _HelpShown:
            return None
        return getattr(self, f"_cmd_{command}")(args)

    def _cell(self, line: str, cell: str) -> None:
        if line.strip():
            raise UsageError(
                f"%%gemlive takes no arguments (got {line.strip()!r}); "
                "use %gemlive connect --voice ... first"
            )
        text = cell.strip()
        if not text:
            raise UsageError("%%gemlive: the cell is empty; write the message to send below it")
        from IPython.display import Audio as Player
        from IPython.display import display

        from .display import show_transcript

        turn = self._ensure_session().ask_sync(text)
        if len(turn.audio.samples):
            display(Player(data=turn.audio.wav_bytes(), autoplay=True))
        display(show_transcript(turn))

    # -- commands
    def _cmd_connect(self, args: argparse.Namespace) -> Any:
        from .config import LiveConfig
        from .session import connect_sync

        fields = {
            "voice": args.voice,
            "language": args.language,
            "model": args.model,
            "system_instruction": args.system,
        }
        config = LiveConfig.coerce(None, **{k: v for k, v in fields.items() if v is not None})
        self._disconnect()  # only once the new settings are known to be valid
        self.session = connect_sync(config, endpoint=args.endpoint)
        print(f"connected: {self.session!r}")
        return None

    def _cmd_disconnect(self, args: argparse.Namespace) -> None:
        print("disconnected" if self._disconnect() else "no session to close")

    def _cmd_status(self, args: argparse.Namespace) -> None:
        print(repr(self.session) if self.session is not None else "not connected")

    def _cmd_voices(self, args: argparse.Namespace) -> Any:
        from .catalog import VOICES

        return VOICES

    def _cmd_languages(self, args: argparse.Namespace) -> Any:
        from .catalog import LANGUAGES

        return LANGUAGES

    def _cmd_widget(self, args: argparse.Namespace) -> Any:
        from .widget import VoiceWidget

        return VoiceWidget(session=self._ensure_session())  # it runs on the session's loop

    def _cmd_compare(self, args: argparse.Namespace) -> Any:
        from . import compare

        wrong = "languages" if args.axis == "voices" else "voices"
        if getattr(args, wrong):
            raise UsageError(
                f"%gemlive compare {args.axis}: --{wrong} does not apply; "
                f"use --{args.axis} (or compare {wrong})"
            )
        if args.concurrency is not None and args.concurrency < 1:
            raise UsageError(f"%gemlive compare: --concurrency must be ≥ 1, got {args.concurrency}")
        run = compare.acompare_voices if args.axis == "voices" else compare.acompare_languages
        names = getattr(args, args.axis)
        return run_sync(
            run(args.prompt, names, concurrency=args.concurrency, endpoint=args.endpoint)
        )

    def _cmd_explore(self, args: argparse.Namespace) -> Any:
        from .explorer import VoiceExplorer

        text = " ".join(args.sentence) or "Hello! This is how I sound."
        return VoiceExplorer(text=text, language=args.language, endpoint=args.endpoint)

    def _cmd_help(self, args: argparse.Namespace) -> None:
        if args.command:
            print(self._parsers[args.command].format_help())
        else:
            print(HELP)


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%gemlive`` / ``%%gemlive`` (``%load_ext gemlive_nb``)."""
    ipython.register_magics(GemliveMagics)


def unload_ipython_extension(ipython: Any) -> None:
    """Close this shell's session (``%unload_ext gemlive_nb``)."""
    magics = ipython.magics_manager.registry.get("GemliveMagics")
    if magics is not None:
        magics._disconnect()
