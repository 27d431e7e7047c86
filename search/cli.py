"""The `bulletins` command line: parses arguments and calls the library, nothing more."""

import click

from search.errors import BulletinsError
from search.finnish import check_voikko


class _Commands(click.Group):
    """A group whose commands show our own errors as one line (`Error: …`, exit 1), never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BulletinsError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Commands)
def main() -> None:
    """Finnish-aware full-text search for city bulletins.

    The corpus folder defaults to ./corpus ($BULLETINS_CORPUS) and the index folder to ./index
    ($BULLETINS_INDEX)."""
    check_voikko()
