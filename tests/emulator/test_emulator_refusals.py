"""The service's refusals of client messages, checked alone (no connection)."""

from __future__ import annotations

import pytest

from gemlive_nb.emulator.refusals import check_client_content, check_media_chunks
from gemlive_nb.emulator.setup import Rejected, validate_setup

NATIVE_25 = "models/gemini-2.5-flash-native-audio-preview-12-2025"
FLASH_31 = "models/gemini-3.1-flash-live-preview"
V1BETA = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
V1ALPHA = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent"
MEDIA_CHUNKS = "realtime_input.media_chunks is deprecated. Use audio, video, or text instead."
SEEDED = {"historyConfig": {"initialHistoryInClientContent": True}}


def test_media_chunks_are_refused_on_v1alpha_and_by_3_1_only():
    check_media_chunks(validate_setup({"model": NATIVE_25}), V1BETA)
    for model, path in ((NATIVE_25, V1ALPHA), (FLASH_31, V1BETA)):
        with pytest.raises(Rejected) as info:
            check_media_chunks(validate_setup({"model": model}), path)
        assert (info.value.code, info.value.reason) == (1007, MEDIA_CHUNKS)


def test_client_content_is_only_initial_history_on_3_1_in_the_2026_03_regime():
    check_client_content(validate_setup({"model": NATIVE_25}, regime="2026-03"), 3)
    seeded = validate_setup({"model": FLASH_31, **SEEDED}, regime="2026-03")
    check_client_content(seeded, 0)
    with pytest.raises(Rejected, match="only for initial history"):
        check_client_content(seeded, 1)
    with pytest.raises(Rejected, match="initialHistoryInClientContent"):
        check_client_content(validate_setup({"model": FLASH_31}, regime="2026-03"), 0)
