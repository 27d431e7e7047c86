"""Reading a column of the index by docnum, also from an index that holds no bulletins: Whoosh's
reader of an index without segments has no columns at all."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from whoosh.columns import ColumnReader
from whoosh.reading import IndexReader


def column(reader: IndexReader, field: str, **options: Any) -> ColumnReader | dict[int, Any]:
    """The column reader of `field` (with `reader.column_reader`'s `options`), or an empty mapping
    when `reader` holds no bulletins: either gives a bulletin's value by its docnum."""
    if not reader.doc_count_all():
        return {}
    return reader.column_reader(field, **options)


def column_values(reader: IndexReader, field: str, live: Container[int] | None = None) -> dict[int, Any]:
    """The non-empty values of `field`'s column, by docnum (of the `live` bulletins only, if given):
    read segment by segment in one go each, as a segment where no bulletin has the field has no
    column (and Whoosh's reader over several segments then misreads the others)."""
    values = {}
    for segment, base in reader.leaf_readers():
        if segment.has_column(field):
            values.update((base + docnum, value) for docnum, value in enumerate(segment.column_reader(field).load())
                          if value and (live is None or base + docnum in live))
    return values
