"""Secrets never show: Secret hides its value everywhere but reveal(); redact scrubs text."""

from __future__ import annotations

import pickle
import traceback

import pytest

from gemlive_nb.exceptions import ConfigError, GemliveError, SessionClosed
from gemlive_nb.secret import Secret, redact

KEY = "sk-test-0123456789abcdef"


def test_secret_hides_its_value():
    s = Secret(KEY)
    for text in (
        repr(s),
        str(s),
        f"{s}",
        f"{s!r}",
        "%s" % s,  # noqa: UP031
        str([s]),
        str({"k": s}),
    ):
        assert KEY not in text
    assert s.reveal() == KEY
    assert s == Secret(KEY) and s != Secret("other")
    assert len(s.fingerprint) == 8 and KEY not in s.fingerprint


def test_secret_refuses_pickling_and_mutation():
    s = Secret(KEY)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(s)
    with pytest.raises(AttributeError):
        s._value = "x"  # type: ignore[misc]
    with pytest.raises(TypeError, match="must be a str, not int"):
        Secret(123)  # type: ignore[arg-type]


def test_redact_scrubs_every_occurrence():
    text = f"wss://host/path?key={KEY}&x=1 header {KEY}"
    assert redact(text, Secret(KEY)) == "wss://host/path?key=***&x=1 header ***"
    assert redact("short ab", "ab") == "short ab"  # too short to be a key: left alone


def test_error_tree():
    assert issubclass(ConfigError, (GemliveError, ValueError))
    err = SessionClosed(1007, "Unsupported language code 'xx'", hint="check the language")
    assert err.code == 1007 and "1007" in str(err) and "check the language" in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.reason) == (1007, err.reason)
    assert "SessionClosed" in "".join(traceback.format_exception(err))
