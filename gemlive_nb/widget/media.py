"""Camera/screen frames from the browser and grounding sources for it: checked at the border.

The browser sends one JPEG frame about once a second (``{type:'video', mime}`` with one
buffer); :func:`video_frame` accepts it only as JPEG or PNG bytes. A turn's grounding goes to the
browser as :func:`grounding_item`: numbered titles with only ``http``/``https`` links (the page
renders them with ``textContent`` and attributes, never as HTML). Example::

    video_frame({"type": "video", "mime": "image/jpeg"}, [jpeg])  # (jpeg, "image/jpeg")
    grounding_item(event)  # {"type": "grounding", "sources": [{"title": ..., "uri": ...}]}
"""

from __future__ import annotations

from typing import Any

from ..conversation.grounding import safe_url
from ..protocol import GroundingMetadata
from .messages import TO_BROWSER

__all__ = ["VIDEO_MIME_TYPES", "grounding_item", "video_frame"]

VIDEO_MIME_TYPES = ("image/jpeg", "image/png")
_MAX_TITLE = 200


def video_frame(content: dict[str, Any], buffers: list[bytes]) -> tuple[bytes, str] | None:
    """The frame's ``(bytes, mime)``, or None for a message without a JPEG/PNG buffer."""
    mime = content.get("mime", "image/jpeg")
    if mime not in VIDEO_MIME_TYPES or not buffers or not buffers[0]:
        return None
    return buffers[0], mime


def grounding_item(event: GroundingMetadata) -> dict[str, Any] | None:
    """The browser item for ``event``'s sources with an http(s) link, or None if none has."""
    sources = []
    for source in event.sources:
        uri = safe_url(source.uri)
        if uri is None:
            continue
        title = str(source.title or source.domain or uri)[:_MAX_TITLE]
        sources.append({"title": title, "uri": uri})
    return {"type": TO_BROWSER.GROUNDING, "sources": sources} if sources else None
