"""Reading a column of the index by docnum, also from an index that holds no bulletins: Whoosh's
reader of an index without segments has no columns at all."""

from __future__ import annotations

from typing import Any

from whoosh.columns import ColumnReader
from whoosh.reading import IndexReader


def column(reader: IndexReader, field: str, **options: Any) -> ColumnReader | dict[int, Any]:
    """The column reader of `field` (with `reader.column_reader`'s `options`), or an empty mapping
    when `reader` holds no bulletins: either gives a bulletin's value by its docnum."""
    if not reader.doc_count_all():
        return {}
    return reader.column_reader(field, **options)

