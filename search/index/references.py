"""What a bulletin refers to, as keys that search feedback compares: the court precedents it cites
(`KKO 2005:32`, `KKO:2005:32`, `KKO 1984 II 66`, `KHO 2010:5`) and the provisions it applies
(`rikoslain 21 luvun 5 §`, `kuntalain 39 §`), and the precedent key of the bulletin itself, which
Finlex's ids spell (`kko-20050032` is KKO 2005:32, `kko-19840066t` is KKO 1984 II 66)."""

from __future__ import annotations

import re

_PRECEDENT = re.compile(r"\b(KKO|KHO)(?::| )(\d{4})(?::| ?(II|I) ?|-(II|I)-)(\d{1,4})(?!\d)")
# The statute's name in the genitive, then the chapter (if it has chapters) and the section: looked
# for only in the words before each § (a search of the whole text took 8 times as long).
_PROVISION = re.compile(r"(\w+(?:lain|kaaren|asetuksen))\s+(?:(\d+)\s*(?:a\s+)?luvun\s+)?(\d+)\s*(?:[a-h]\s*)?§\Z")
_BEFORE_SECTION = 120  # characters: room for the longest statute's name, its chapter and section
_OWN = re.compile(r"(kko|kho)-(\d{4})(\d{4})([st]?)")
_SERIES = {"": "", "s": "I", "t": "II"}  # Finlex's id suffix of the yearbook's series (1980–1986)


def _precedent_key(court: str, year: str, series: str, number: str) -> str:
    return ":".join([court.lower(), year, *([series.lower()] if series else []), str(int(number))])


def cited_precedents(text: str) -> list[str]:
    """The keys of the precedents `text` cites, each once, in order: `kko:2005:32`, `kko:1984:ii:66`."""
    return list(dict.fromkeys(_precedent_key(court, year, series or other, number)
                              for court, year, series, other, number in _PRECEDENT.findall(text)))


def applied_provisions(text: str) -> list[str]:
    """The keys of the provisions `text` names, each once, in order: `rikoslain:21:5`, `kuntalain::39`."""
    keys = (_PROVISION.search(text[max(0, end - _BEFORE_SECTION):end].lower())
            for end in (sign.end() for sign in re.finditer("§", text)))
    return list(dict.fromkeys(":".join(found.groups("")) for found in keys if found))


def own_precedent(bulletin_id: str) -> str | None:
    """The precedent key of a bulletin whose id is a Finlex precedent id, else None."""
    match = _OWN.fullmatch(bulletin_id)
    if not match:
        return None
    court, year, number, suffix = match.groups()
    return _precedent_key(court, year, _SERIES[suffix], number)
