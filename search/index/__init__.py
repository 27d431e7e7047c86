"""Writing the Whoosh index from the corpus, and keeping it current."""
