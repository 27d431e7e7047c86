"""The Xapian backend: the same Finnish analysis, query language, match semantics and result shape as
the Whoosh index (search.index, search.searcher), over one or more Xapian shard databases, local
folders or `xapian-tcpsrv` servers on other machines. Chosen by configuration (search.backends);
Whoosh stays the default."""

from pathlib import Path

# What makes a folder a Xapian index: its layout file (search.xapian.layout). Here, where asking
# costs no import of Xapian itself: a search of a Whoosh index never loads it.
LAYOUT_FILE = "xapian.json"


def is_xapian_index(index_dir: Path) -> bool:
    return (Path(index_dir) / LAYOUT_FILE).is_file()
