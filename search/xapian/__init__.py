"""The Xapian backend: the same Finnish analysis, query language, match semantics and result shape as
the Whoosh index (search.index, search.searcher), over one or more Xapian shard databases, local
folders or `xapian-tcpsrv` servers on other machines. Chosen by configuration (search.backends);
Whoosh stays the default."""
