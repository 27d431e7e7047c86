"""Text normalization that keeps a map back to the original character offsets."""

from __future__ import annotations

import re
import unicodedata

# Soft hyphen, zero-width space/non-joiner/joiner, word joiner, BOM: invisible, yet they split words.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")


def normalize(text: str) -> tuple[str, list[int] | None]:
    """Return the NFC text without invisible characters, and for each of its characters the offset
    it came from in `text` (None when nothing changed, so offsets are the same)."""
    if unicodedata.is_normalized("NFC", text) and not _INVISIBLE_RE.search(text):
        return text, None
    out: list[str] = []
    origin: list[int] = []
    start = 0
    # Normalize one cluster (a starter and the combining marks after it) at a time, so each output
    # character can be traced back to where its cluster began.
    for end in range(1, len(text) + 1):
        if end < len(text) and unicodedata.combining(text[end]):
            continue
        cluster = "".join(ch for ch in text[start:end] if ch not in _INVISIBLE)
        for ch in unicodedata.normalize("NFC", cluster):
            out.append(ch)
            origin.append(start)
        start = end
    return "".join(out), origin
