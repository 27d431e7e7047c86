"""Errors a user can cause. They are caught at the edges (CLI, web) and shown as one line."""


class BulletinsError(Exception):
    """Base class of every error the user should see as a one-line message."""


class VoikkoMissingError(BulletinsError):
    """libvoikko or its Finnish dictionary is not installed."""


class BulletinError(BulletinsError):
    """A bulletin file or line cannot be read."""


class QueryError(BulletinsError):
    """A search query or its parameters cannot be understood. `key` and `values` name the message
    so that a front end can say it in its user's language (see search.web.i18n)."""

    def __init__(self, message: str, key: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


class IndexMissingError(BulletinsError):
    """There is no index to search yet."""


class IndexLockedError(BulletinsError):
    """Another indexing run holds the index."""


class FetchError(BulletinsError):
    """An API to fetch bulletins from cannot be reached or answers what we cannot use."""


class ShardUnavailableError(BulletinsError):
    """A shard of a sharded index cannot be reached or read; `shard` names it."""

    def __init__(self, shard: str, reason: str) -> None:
        super().__init__(f"shard {shard} of the index cannot be reached: {reason}")
        self.shard = shard
