"""Candidate stems for words Voikko does not know (names, loanwords, typos), so that their
inflections still meet: `Arcadan` and `Arcada` share the candidate `arcada`."""

from __future__ import annotations

# Case, number and possessive endings, longest first.
ENDINGS = sorted(set("""
issa issä ista istä illa illä ilta iltä ille iksi ihin ineen iden itten
ssa ssä sta stä lla llä lta ltä lle ksi tta ttä seen siin ien jen den tten
hin hen han hon hun hyn hän hön aan ään een iin oon uun yyn ita itä ina inä
nsa nsä mme nne ja jä ta tä na nä an än en in on un yn a ä n t i
""".split()), key=len, reverse=True)
MIN_STEM = 3


def _variants(stem: str) -> set[str]:
    """The stem and the nominatives it may come from: a loanword's added vowel (showroomi-a →
    showroom, plugei-lla → plug), -kse- of words in -s (Iglesiakse-n → Iglesias), -ee- of
    Greek names in -es (Simonidee-lle → Simonides)."""
    found = {stem}
    if stem.endswith("kse"):
        found.add(stem[:-3] + "s")
    if stem.endswith("ee"):
        found.add(stem[:-2] + "es")
    if stem[-1] in "ie" and len(stem) > MIN_STEM + 1:
        found.add(stem[:-1])
        if stem.endswith("ei"):
            found.add(stem[:-2])
    return found


def candidate_stems(low: str) -> list[str]:
    """The word itself and what is left when each ending it has is stripped, longest first."""
    stems = _variants(low)
    for ending in ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= MIN_STEM:
            stems |= _variants(low[: -len(ending)])
    return sorted((s for s in stems if len(s) >= MIN_STEM), key=lambda s: (-len(s), s))
