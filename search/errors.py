"""Errors a user can cause. They are caught at the edges (CLI, web) and shown as one line."""


class BulletinsError(Exception):
    """Base class of every error the user should see as a one-line message."""


class VoikkoMissingError(BulletinsError):
    """libvoikko or its Finnish dictionary is not installed."""


class BulletinError(BulletinsError):
    """A bulletin file or line cannot be read."""


class QueryError(BulletinsError):
    """A search query or its parameters cannot be understood."""


class IndexMissingError(BulletinsError):
    """There is no index to search yet."""


class IndexLockedError(BulletinsError):
    """Another indexing run holds the index."""
