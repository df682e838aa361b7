"""The table of Live service rules: every fact sourced, regimes dated, the catalog and README
derived from it, the text route chosen from it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from gemlive_nb import catalog
from gemlive_nb.protocol import service_rules as sr

README = Path(__file__).resolve().parent.parent / "README.md"
# A source names a public place: a docs page, a repository's thread or file, the SDK's code.
_PUBLIC = re.compile(r"ai\.google\.dev/|docs\.cloud\.google\.com/|[\w.-]+/[\w.-]+(#\d+| )|SDK")


@pytest.mark.parametrize("rules", sr.all_rules(), ids=lambda r: r.name)
def test_every_fact_names_a_public_source_or_says_unverified(rules: sr.ModelRules) -> None:
    facts = list(sr.iter_facts(rules))
    fact_fields = {f.name for f in dataclasses.fields(rules)} - {
        "name",
        "description",
        "endpoints",
        "current",
    }
    assert {name for name, _, _ in facts} == fact_fields  # no rule without a Fact
    for name, regime, fact in facts:
        where = f"{rules.name}.{name}" + (f"@{regime}" if regime else "")
        assert fact.source.strip(), where
        assert fact.source.startswith(sr.UNVERIFIED) or _PUBLIC.search(fact.source), where
        if regime is not None:
            assert regime in sr.REGIMES, where


def test_regimes_are_dated_and_the_default_is_the_latest_evidence() -> None:
    assert list(sr.REGIMES) == sorted(sr.REGIMES)
    assert all(re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", r) for r in sr.REGIMES)
    assert sr.REGIMES[-1] == sr.LATEST
    flagship = sr.rules_for("models/gemini-3.1-flash-live-preview")
    assert flagship is not None
    # 3.1 at launch: clientContent only as initial history, with historyConfig
    assert flagship.client_content_mid_session.at("2026-03").value is False
    assert flagship.history_needs_config.at("2026-03").value is True
    # later: clientContent the whole session (Aug 2026 frames seed with no historyConfig)
    assert flagship.client_content_mid_session.at("2026-08").value is True
    assert flagship.history_needs_config.at(sr.LATEST).value is False
    assert flagship.client_content_mid_session.at("2026-12").value is True  # newest stays
    assert flagship.client_content_mid_session.at("2025-01").value is False  # first known


def test_the_text_route_is_the_path_every_regime_accepts() -> None:
    for rules in sr.all_rules():
        takes_client_content = rules.client_content_mid_session.in_every_regime()
        if all(takes_client_content):
            assert rules.text_route == "client_content", rules.name
        else:
            assert rules.text_route == "realtime_text" and rules.realtime_text.value, rules.name
    assert sr.text_route("gemini-3.1-flash-live-preview") == "realtime_text"
    assert sr.text_route("models/gemini-2.5-flash-native-audio-latest") == "client_content"
    assert sr.text_route("some-future-model") == "client_content"  # unknown: the SDK's default


def test_newest_public_models_are_in_the_table() -> None:
    names = [r.name for r in sr.all_rules()]
    assert names[:2] == ["gemini-3.8-live", "gemini-3.8-live-extended-thinking"]
    live38 = sr.rules_for("gemini-3.8-live")
    assert live38 is not None
    assert live38.thinking.value == "none" and not live38.affective_dialog.value
    assert live38.non_blocking_tools.value and not live38.text_modality.value
    assert sr.rules_for("gemini-3.8-live-extended-thinking").thinking.value == "level"  # type: ignore[union-attr]


def test_check_regime_names_the_choices() -> None:
    assert sr.check_regime("2026-03") == "2026-03"
    with pytest.raises(ValueError, match=r"rules must be one of '2026-03', '2026-08'.*'2026-3'"):
        sr.check_regime("2026-3")


@pytest.mark.parametrize("model", list(catalog.MODELS), ids=lambda m: m.name)
def test_catalog_entries_are_derived_from_the_rules(model: catalog.Model) -> None:
    rules = model.rules
    assert model == catalog.Model.from_rules(rules)
    assert model.text_modality is rules.text_modality.value
    assert model.accepts_language_code is rules.language_code.value
    assert model.non_blocking_tools is rules.non_blocking_tools.value
    assert model.context_window == rules.context_window.value
    every = rules.client_content_mid_session.in_every_regime()
    assert model.client_content_after_first_turn is all(every)
    assert model.text_route == rules.text_route


def test_catalog_and_table_list_the_same_models() -> None:
    assert catalog.MODELS.names == [r.name for r in sr.all_rules()]
    hand_made = dataclasses.replace(catalog.MODELS["gemini-3.8-live"], name="not-in-the-table")
    with pytest.raises(catalog.ConfigError, match="no service rules"):
        _ = hand_made.rules


def test_readme_models_table_is_the_generated_one() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- models-table:start -->") + len("<!-- models-table:start -->\n")
    end = text.index("<!-- models-table:end -->")
    assert text[start:end] == sr.models_markdown(), (
        "README's Models table is stale: regenerate it with "
        "python -c 'from gemlive_nb.protocol.service_rules import models_markdown as m; "
        'print(m(), end="")\''
    )


def test_markdown_marks_unverified_values_and_numbers_sources() -> None:
    md = sr.models_markdown()
    assert "| `gemini-3.8-live` | google | `client_content` |" in md
    assert "2026-03: no<sup>" in md and "2026-08: yes<sup>" in md  # 3.1's dated regimes
    assert "?" in md and "(unverified)" in md
    numbers = set(re.findall(r"<sup>(\d+)</sup>", md))
    sources = md.split("Sources: ", 1)[1]
    assert all(f"<sup>{n}</sup> " in sources for n in numbers)
