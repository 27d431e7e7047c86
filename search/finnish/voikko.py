"""Voikko handles: one per thread, because a handle shared between threads corrupts memory."""

from __future__ import annotations

import threading

from search.errors import VoikkoMissingError

INSTALL_HINT = "install the Debian/Ubuntu packages libvoikko1 and voikko-fi (sudo apt-get install libvoikko1 voikko-fi)"

_local = threading.local()


def open_voikko(language: str = "fi") -> "libvoikko.Voikko":  # noqa: F821 - imported lazily
    """A new Voikko handle for `language`; VoikkoMissingError with an install hint if it can't be had."""
    try:
        import libvoikko

        return libvoikko.Voikko(language)
    except OSError as error:  # ctypes could not load libvoikko.so
        raise VoikkoMissingError(f"libvoikko is not installed: {INSTALL_HINT}") from error
    except Exception as error:  # libvoikko.VoikkoException: no Finnish dictionary
        raise VoikkoMissingError(f"the Voikko dictionary is missing ({error}): {INSTALL_HINT}") from error


def handle() -> "libvoikko.Voikko":  # noqa: F821
    """This thread's own Voikko handle, opened on first use."""
    voikko = getattr(_local, "voikko", None)
    if voikko is None:
        voikko = _local.voikko = open_voikko()
    return voikko


def check_voikko() -> None:
    """Raise VoikkoMissingError with an install hint unless Voikko and its Finnish dictionary work."""
    if not handle().analyze("kaupunki"):
        raise VoikkoMissingError(f"the Finnish Voikko dictionary does not analyse Finnish: {INSTALL_HINT}")
