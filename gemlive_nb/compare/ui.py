"""Notebook widgets for comparisons: a progress line and a voice/language picker (ipywidgets).

Outside a Jupyter kernel the progress bar does nothing, so plain Python stays quiet.
ipywidgets is imported only when a widget is actually made.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from ..catalog import LANGUAGES, VOICES

# A Comparison (typed loosely: result.py imports this module, never the other way round).
Comparison = Any

__all__ = ["Progress", "in_notebook", "picker"]


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where widgets can render)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Progress:
    """An IntProgress bar counting finished entries and saying how many run at once.

    Failures turn it orange. No-op when disabled or outside a notebook.
    """

    def __init__(
        self, total: int, *, label: str = "", enabled: bool = True, concurrency: int | None = None
    ) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self.concurrency = concurrency
        self._bar: Any = None
        if enabled and in_notebook():
            import ipywidgets as w
            from IPython.display import display

            short = label if len(label) <= 40 else label[:39] + "…"
            self._bar = w.IntProgress(
                value=0, min=0, max=total, description=self.description,
                tooltip=short, bar_style="info", style={"description_width": "initial"},
            )  # fmt: skip
            display(self._bar)

    @property
    def description(self) -> str:
        """``'3/30 done · 30 at once'``."""
        at_once = f" · {self.concurrency} at once" if self.concurrency else ""
        return f"{self.done}/{self.total} done{at_once}"

    def advance(self, *, failed: bool = False) -> None:
        """Count one finished entry."""
        self.done += 1
        self.failed += failed
        if self._bar is not None:
            self._bar.value = self.done
            self._bar.description = self.description
            if self.failed:
                self._bar.bar_style = "warning"

    def close(self) -> None:
        """Remove the bar (the result table replaces it)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def picker(res: Comparison) -> Any:
    """Select voices and/or languages, press Run: the new comparison shows below.

    In a notebook the run is a task on the kernel's loop, so the kernel stays responsive.
    Returns the widget (an ipywidgets VBox); ``.result`` holds the latest Comparison.
    """
    import ipywidgets as w
    from IPython.display import display

    selects: dict[str, Any] = {}
    if res.voices:
        selects["voices"] = w.SelectMultiple(
            options=[(f"{v.name} ({v.style})", v.name) for v in VOICES],
            value=tuple(res.voices), rows=8, description="voices",
        )  # fmt: skip
    if res.languages:
        options = [(f"{lang.code} {lang.name}", lang.code) for lang in LANGUAGES]
        known = {code for _, code in options}
        options += [(code, code) for code in res.languages if code not in known]
        selects["languages"] = w.SelectMultiple(
            options=options, value=tuple(res.languages), rows=8, description="languages"
        )
    button = w.Button(description="Run", button_style="primary", icon="play")
    status = w.HTML()
    out = w.Output()
    box = w.VBox([w.HBox(list(selects.values())), w.HBox([button, status]), out])
    box.result = res

    def show(new: Comparison) -> None:
        box.result = new
        status.value = ""
        button.disabled = False
        out.clear_output()
        with out:
            display(new)

    def fail(error: BaseException) -> None:
        button.disabled = False
        status.value = f"<span style='color:#c92a2a'>{type(error).__name__}: {error}</span>"

    def on_click(_: Any) -> None:
        chosen = {k: list(s.value) for k, s in selects.items()}
        if any(not v for v in chosen.values()):
            status.value = "choose at least one"
            return
        button.disabled = True
        status.value = "running…"
        coro = res.arerun(**chosen)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            from .._sync import run_sync

            try:
                show(run_sync(coro))
            except Exception as e:
                fail(e)
            return
        task = asyncio.ensure_future(coro)
        task.add_done_callback(lambda t: fail(t.exception()) if t.exception() else show(t.result()))

    button.on_click(on_click)
    box.run = lambda: on_click(None)
    return box
