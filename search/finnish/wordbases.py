"""Reading Voikko's WORDBASES attribute: compound parts, the compound's normalized lemma, and the
verb a participle comes from.

WORDBASES spells a word as morphemes with their bases: `+kaupungin(kaupunki)+hallitus(hallitus)`,
`+yrit(yrittää)+ys(+ys)+hautomo(hautomo)`, and for derived verbs `+kohdist(kohdistaa)u(+ua)+n+ut(+ut)`:
`+` starts a morpheme, `(base)` gives its base, `(+suffix)` a derivational suffix's base."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEGMENT = re.compile(r"(\+?)([^+()]*)(?:\(([^)]*)\))?")


@dataclass(frozen=True, slots=True)
class Morpheme:
    """One segment: its surface text, its base (None if it has none), and whether a `+` began it."""

    text: str
    base: str | None
    starts: bool

    @property
    def is_root(self) -> bool:
        return self.base is not None and not self.base.startswith("+")


def morphemes(wordbases: str) -> list[Morpheme]:
    """The segments of a WORDBASES string, in order."""
    return [Morpheme(text, base or None, bool(plus))
            for plus, text, base in _SEGMENT.findall(wordbases) if plus or text or base]


def _clean(text: str) -> str:
    return text.replace("=", "").replace("-", "").lower()


def compound_parts(wordbases: str) -> list[str]:
    """The parts of a compound (`yritys`, `hautomo`, `palvelu`): a root starts a part; a root that
    derivational suffixes follow stands as written (yrit+ys), a bare root as its base (kaupunki)."""
    groups: list[list[Morpheme]] = []
    for morpheme in morphemes(wordbases):
        if morpheme.is_root or not groups:
            groups.append([morpheme])
        else:
            groups[-1].append(morpheme)
    parts = []
    for group in groups:
        head = group[0]
        if len(group) == 1 and head.base:
            parts.append(_clean(head.base))
        else:
            parts.append(_clean("".join(m.text for m in group)))
    return [part for part in parts if part]


def participle_verb(wordbases: str) -> str | None:
    """The verb of a participle: `+hyväksy(hyväksyä)+t+ty(+ty)` → hyväksyä, a derived verb from
    its suffix: `+kohdist(kohdistaa)u(+ua)…` → kohdistua, with a compound's first part kept:
    `+yli+kuumen(kuumentaa)tu(+tua)…` → ylikuumentua."""
    segments = morphemes(wordbases)
    roots = [i for i, m in enumerate(segments) if m.is_root]
    if not roots:
        return None
    last = roots[-1]
    prefix = "".join(m.text for m in segments[:last])
    root = segments[last]
    following = segments[last + 1] if last + 1 < len(segments) else None
    if following and not following.starts and following.base and following.base.startswith("+"):
        return _clean(prefix + root.text + following.base[1:])
    base = _clean(root.base or "")
    return _clean(prefix) + base if prefix and not root.base.startswith(prefix) else base
