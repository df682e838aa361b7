"""The mixroute proxy's own setup examples (its docs, copied into tests/data/seed) read through
LiveConfig and go back out as the same wire; its ``empatheticMode`` key is understood."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from testdata import SEED_SETUPS

from gemlive_nb.config import LiveConfig
from gemlive_nb.exceptions import ConfigError

MODEL = "gemini-live-2.5-flash-native-audio"  # the proxy's one model
EXAMPLES: dict[str, Any] = json.loads(SEED_SETUPS.read_text(encoding="utf-8"))


def _google_shape(example: dict[str, Any]) -> dict[str, Any]:
    """The example where Google's BidiGenerateContentSetup puts things (PROTOCOL.md §2).

    Two spots of the docs differ from Google's schema, and the proxy calls itself a passthrough:
    the usage example puts ``speechConfig`` beside ``generationConfig`` instead of inside it, and
    the FAQ gives ``tools`` as one object instead of a list. The kit sends Google's shape.
    """
    setup = copy.deepcopy(example.get("setup", example))
    if "speechConfig" in setup:
        setup.setdefault("generationConfig", {})["speechConfig"] = setup.pop("speechConfig")
    if isinstance(setup.get("tools"), dict):
        setup["tools"] = [setup["tools"]]
    setup.setdefault("model", MODEL)
    return {"setup": setup}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_seed_setup_example_gives_the_same_wire_back(name: str) -> None:
    example = EXAMPLES[name]
    cfg = LiveConfig.from_dict(example)
    assert cfg.to_setup(MODEL, "mixroute") == _google_shape(example)


def test_the_seed_examples_keep_what_they_say() -> None:
    usage = LiveConfig.from_dict(EXAMPLES["usage_example"])
    assert (usage.voice, usage.temperature, usage.modalities) == ("Puck", 0.7, ("AUDIO",))
    assert not usage.transcribe_output and not usage.resumption  # not asked for: not sent
    configured = LiveConfig.from_dict(EXAMPLES["configuration_example"])
    assert (configured.voice, configured.language_code) == ("Zephyr", "en-US")
    assert configured.language is None  # no "Respond in …" added to their instruction


@pytest.mark.parametrize(
    "given",
    [
        {"empatheticMode": True},
        {"setup": {"model": MODEL, "empatheticMode": True}},
        {"generationConfig": {"empatheticMode": True}},
        {"empathetic_mode": True},
    ],
)
def test_the_seeds_empathetic_mode_is_affective_dialog(given: dict[str, Any]) -> None:
    cfg = LiveConfig.from_dict(given)
    assert cfg.affective_dialog is True
    setup = cfg.to_setup(MODEL, "mixroute")["setup"]
    assert setup["generationConfig"] == {"enableAffectiveDialog": True}  # Google's name
    assert LiveConfig.from_dict({"empatheticMode": False}).affective_dialog is False


def test_empathetic_mode_given_twice_differently_is_refused() -> None:
    with pytest.raises(ConfigError, match="affective_dialog is given twice"):
        LiveConfig.from_dict({"empatheticMode": True, "enableAffectiveDialog": False})
    with pytest.raises(ConfigError, match="affective_dialog must be True or False"):
        LiveConfig.from_dict({"empatheticMode": "yes"})
