"""The `bulletins` command line: parses arguments and calls the library, nothing more."""

import click


@click.group()
def main() -> None:
    """Finnish-aware full-text search for city bulletins."""
