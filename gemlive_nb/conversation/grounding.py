"""Grounding shown safely: a turn's search queries, numbered sources and search entry point.

The search entry point is HTML written by the service. It is never put into the notebook as
is: :func:`sanitize_html` keeps a small allowlist of tags and attributes, drops ``<script>``,
``<style>``, ``<iframe>`` and the like with their content, every ``on…`` handler and every link
that is not ``http(s)``. Example::

    sanitize_html('<a href="javascript:alert(1)" onclick="x()">Paris</a><script>x()</script>')
    # '<a rel="noopener noreferrer" target="_blank">Paris</a>'
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from .. import protocol as p

__all__ = ["grounding_html", "grounding_record", "safe_url", "sanitize_html"]

ALLOWED_TAGS = frozenset({
    "a", "b", "br", "code", "div", "em", "i", "li", "ol", "p", "small", "span", "strong", "ul",
})  # fmt: skip
ALLOWED_ATTRIBUTES = frozenset({"class", "href", "title"})
# Their content is dropped too (not only the tags): code, styles, embedded documents.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math",
    "textarea", "select", "title", "head",
})  # fmt: skip
_VOID = frozenset({"br"})


def safe_url(url: Any) -> str | None:
    """``url`` if it is an absolute ``http``/``https`` URL, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0  # depth inside a dropped element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        kept = []
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES or value is None:
                continue
            if name == "href":
                value = safe_url(value)
                if value is None:
                    continue
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        if tag == "a":
            kept.append(' rel="noopener noreferrer" target="_blank"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            return
        self.handle_starttag(tag, attrs)
        if tag in self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:  # close what the service left open inside it
            inner = self.open.pop()
            self.out.append(f"</{inner}>")
            if inner == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def sanitize_html(text: str) -> str:
    """``text`` (HTML from the service) reduced to inert markup: see the module docstring."""
    sanitizer = _Sanitizer()
    sanitizer.feed(text if isinstance(text, str) else "")
    return sanitizer.result()


def grounding_record(event: p.GroundingMetadata) -> dict[str, Any]:
    """What a Turn keeps of one grounding event (JSON-ready)."""
    return {
        "queries": list(event.queries),
        "sources": [
            {"title": s.title, "uri": s.uri, "domain": s.domain, "kind": s.kind}
            for s in event.sources
        ],
        "supports": [
            {"text": s.text, "sources": list(s.sources)} for s in event.supports if s.text
        ],
        "search_entry_point": event.search_entry_point,
    }


def grounding_html(records: list[dict[str, Any]]) -> str:
    """The grounding of a turn as HTML: queries, numbered sources, the entry point (sanitised)."""
    if not records:
        return ""
    queries = [q for r in records for q in r.get("queries") or []]
    sources = [s for r in records for s in r.get("sources") or []]
    parts = ["<div class='gemlive-grounding'>"]
    if queries:
        shown = ", ".join(f"<q>{html.escape(str(q))}</q>" for q in queries)
        parts.append(f"<div><small>Searched: {shown}</small></div>")
    if sources:
        items = []
        for source in sources:
            label = html.escape(str(source.get("title") or source.get("domain") or "source"))
            url = safe_url(source.get("uri"))
            if url is not None:
                href = html.escape(url, quote=True)
                label = f"<a href='{href}' rel='noopener noreferrer' target='_blank'>{label}</a>"
            items.append(f"<li>{label}</li>")
        parts.append(f"<ol class='gemlive-sources'>{''.join(items)}</ol>")
    for r in records:
        entry = r.get("search_entry_point")
        if entry:
            parts.append(f"<div class='gemlive-search-entry'>{sanitize_html(entry)}</div>")
    parts.append("</div>")
    return "".join(parts)
