"""%gemlive / %%gemlive through IPython's shell (run_line_magic / run_cell_magic)."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from gemlive_nb.catalog import LANGUAGES, VOICES
from gemlive_nb.compare import Comparison
from gemlive_nb.endpoints import google_path
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.magics import GemliveMagics, load_ipython_extension


@pytest.fixture
def ip():
    shell = InteractiveShell.instance()
    load_ipython_extension(shell)
    yield shell
    magics = shell.magics_manager.registry["GemliveMagics"]
    magics._disconnect()


@pytest.fixture
def url(emulator) -> str:
    """The emulator's Live URL (its bare ``emulator.url`` plus the Gemini API path)."""
    return emulator.url + google_path("v1beta")


def magics_of(shell) -> GemliveMagics:
    return shell.magics_manager.registry["GemliveMagics"]


def test_load_ext_registers_line_and_cell_magic():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "gemlive_nb.magics")
    assert "gemlive" in shell.magics_manager.magics["line"]
    assert "gemlive" in shell.magics_manager.magics["cell"]


def test_voices_and_languages_return_the_catalogs(ip):
    assert ip.run_line_magic("gemlive", "voices") is VOICES
    assert ip.run_line_magic("gemlive", "languages") is LANGUAGES


def test_help_lists_every_command(ip, capsys):
    ip.run_line_magic("gemlive", "help")
    out = capsys.readouterr().out
    for command in (
        "connect",
        "disconnect",
        "voices",
        "languages",
        "widget",
        "compare",
        "%%gemlive",
    ):
        assert command in out
    ip.run_line_magic("gemlive", "help connect")
    assert "--voice" in capsys.readouterr().out
    ip.run_line_magic("gemlive", "connect --help")
    assert "--endpoint" in capsys.readouterr().out
    ip.run_line_magic("gemlive", "")
    assert "%gemlive connect" in capsys.readouterr().out


def test_bad_arguments_raise_a_usage_error_naming_the_argument(ip):
    with pytest.raises(UsageError, match="--colour"):
        ip.run_line_magic("gemlive", "connect --colour red")
    with pytest.raises(UsageError, match="--voice: expected one argument"):
        ip.run_line_magic("gemlive", "connect --voice")
    with pytest.raises(UsageError, match=r"--concurrency.*invalid int value: 'many'"):
        ip.run_line_magic("gemlive", 'compare voices "hi" --concurrency many')
    with pytest.raises(UsageError, match=r"axis.*invalid choice: 'colours'"):
        ip.run_line_magic("gemlive", 'compare colours "hi"')
    with pytest.raises(UsageError, match="prompt"):
        ip.run_line_magic("gemlive", "compare voices")
    with pytest.raises(UsageError, match="--languages does not apply"):
        ip.run_line_magic("gemlive", 'compare voices "hi" --languages de-DE')
    with pytest.raises(UsageError, match="unknown command 'conect' — did you mean 'connect'"):
        ip.run_line_magic("gemlive", "conect")
    with pytest.raises(UsageError, match="quotes"):
        ip.run_line_magic("gemlive", 'compare voices "unclosed')
    with pytest.raises(UsageError, match="takes no arguments"):
        ip.run_cell_magic("gemlive", "--voice Puck", "hello")
    with pytest.raises(UsageError, match="cell is empty"):
        ip.run_cell_magic("gemlive", "", "  \n")


def test_compare_with_an_unknown_voice_says_did_you_mean(ip):
    with pytest.raises(ConfigError, match="did you mean 'Puck'"):
        ip.run_line_magic("gemlive", 'compare voices "hi" --voices Pukc,Kore')


def test_connect_ask_in_a_cell_reuse_and_disconnect(ip, url, capsys):
    ip.run_line_magic("gemlive", f"connect --voice Puck --language de-DE --endpoint {url}")
    assert "connected" in capsys.readouterr().out
    session = magics_of(ip).session
    assert session is not None
    with capture_output() as cap:
        ip.run_cell_magic("gemlive", "", "Tell me a joke about <owls>.\n")
    kinds = [output.data for output in cap.outputs]
    assert any("<audio" in d.get("text/html", "") and "autoplay" in d["text/html"] for d in kinds)
    transcript = next(d["text/html"] for d in kinds if "gl-tx" in d.get("text/html", ""))
    assert "Tell me a joke about &lt;owls&gt;." in transcript
    assert transcript.index("user") < transcript.index("model")
    with capture_output():
        ip.run_cell_magic("gemlive", "", "And another one.")
    assert magics_of(ip).session is session  # one session per shell, reused
    assert len(session.recording.turns) == 2
    ip.run_line_magic("gemlive", "status")
    assert "not connected" not in capsys.readouterr().out
    ip.run_line_magic("gemlive", "disconnect")
    assert "disconnected" in capsys.readouterr().out
    assert magics_of(ip).session is None
    ip.run_line_magic("gemlive", "disconnect")
    assert "no session" in capsys.readouterr().out


def test_compare_magic_returns_a_comparison(ip, url):
    res = ip.run_line_magic(
        "gemlive", f'compare voices "Say hi" --voices Puck,Kore --endpoint {url}'
    )
    assert isinstance(res, Comparison)
    assert [r.voice for r in res] == ["Puck", "Kore"] and not res.errors
    res = ip.run_line_magic(
        "gemlive", f'compare languages "Hi" --languages de-DE,ja-JP --endpoint {url}'
    )
    assert [r.language for r in res] == ["de-DE", "ja-JP"] and not res.errors


def test_widget_drives_this_shells_session_and_a_closed_one_is_replaced(ip, url):
    from gemlive_nb.widget import VoiceWidget

    ip.run_line_magic("gemlive", f"connect --voice Kore --endpoint {url}")
    session = magics_of(ip).session
    widget = ip.run_line_magic("gemlive", "widget")
    assert isinstance(widget, VoiceWidget)
    session.close_sync()
    with capture_output():
        ip.run_cell_magic("gemlive", "", "Hello again")
    assert magics_of(ip).session is not session
    assert magics_of(ip).session.status != "closed"


def test_connect_with_a_bad_voice_keeps_the_current_session(ip, url):
    ip.run_line_magic("gemlive", f"connect --endpoint {url}")
    session = magics_of(ip).session
    with pytest.raises(ConfigError, match="did you mean 'Puck'"):
        ip.run_line_magic("gemlive", "connect --voice Pukc")
    assert magics_of(ip).session is session
