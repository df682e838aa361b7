"""The catalog: voices, languages and models, with case-insensitive lookups and did-you-mean."""

from __future__ import annotations

import pytest

from gemlive_nb import catalog
from gemlive_nb.exceptions import ConfigError


def test_thirty_voices_with_styles_from_the_seed_table():
    assert len(catalog.VOICES) == 30
    assert catalog.VOICES["Zephyr"].style == "Bright"
    assert catalog.VOICES["sulafat"].style == "Warm"
    assert catalog.VOICES["ZUBENELGENUBI"].name == "Zubenelgenubi"
    assert len({v.name for v in catalog.VOICES}) == 30


def test_seed_languages_by_code_name_and_underscore():
    # The seed says "24 languages" but its table lists 25 rows; we ship every row.
    assert len(catalog.LANGUAGES) == 25
    assert catalog.LANGUAGES["de-de"].name == "German (Germany)"
    assert catalog.LANGUAGES["German"].code == "de-DE"
    assert catalog.LANGUAGES["German (Germany)"].code == "de-DE"
    assert catalog.LANGUAGES["pt_BR"].code == "pt-BR"
    assert catalog.LANGUAGES["en-IN"].base == "en"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("de-DE", "de-DE"),
        ("japanese", "ja-JP"),
        ("sw", "sw"),
        ("fil_ph", "fil-PH"),
        ("af-za", "af-ZA"),
    ],
)
def test_normalize_language_code_accepts_the_wider_list(given, expected):
    assert catalog.normalize_language_code(given) == expected


def test_unknown_voice_suggests_the_closest():
    with pytest.raises(ConfigError) as err:
        catalog.VOICES["Zephir"]
    text = str(err.value)
    assert "unknown voice 'Zephir'" in text
    assert "did you mean 'Zephyr'" in text


def test_unknown_language_names_the_value_and_the_fix():
    with pytest.raises(ConfigError, match=r"unknown language 'xx-YY'.*en-US"):
        catalog.normalize_language_code("xx-YY")
    with pytest.raises(ConfigError, match="did you mean 'German"):
        catalog.normalize_language_code("Germen")


def test_lookup_with_a_non_string_names_the_type():
    with pytest.raises(ConfigError, match="must be a str, not int"):
        catalog.VOICES[3]  # type: ignore[index]


def test_models_carry_capabilities():
    proxy = catalog.MODELS[catalog.DEFAULT_MIXROUTE_MODEL]
    assert proxy.name == "gemini-live-2.5-flash-native-audio"
    assert proxy.native_audio and proxy.affective_dialog and proxy.proactive_audio
    google = catalog.MODELS[catalog.DEFAULT_GOOGLE_MODEL]
    assert google.current and "google" in google.endpoints
    assert not google.accepts_language_code and not google.text_modality
    flagship = catalog.MODELS["models/gemini-3.1-flash-live-preview"]
    assert not flagship.client_content_after_first_turn and not flagship.non_blocking_tools
    half = catalog.MODELS["gemini-live-2.5-flash-preview"]
    assert half.accepts_language_code and half.text_modality and not half.current


def test_catalog_tables_render_as_html_and_list_names():
    html = catalog.VOICES._repr_html_()
    assert html.count("<tr>") == 31 and "Zephyr" in html
    assert catalog.LANGUAGES.names[0] == "ar-EG"
    assert "Puck" in catalog.VOICES and "Nobody" not in catalog.VOICES
    assert catalog.VOICES.get("nobody") is None
