"""Fixtures of the real-browser tests; they live in browser_harness.py (importable by tests)."""

from browser_harness import browser, chromium_path, emulator_url, jupyter, mic_signal, mic_wav

__all__ = ["browser", "chromium_path", "emulator_url", "jupyter", "mic_signal", "mic_wav"]
