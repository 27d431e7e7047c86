"""bulletin-search: Finnish-aware full-text search for city bulletins."""
