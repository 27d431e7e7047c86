"""Fetching bulletins into the corpus folder from the APIs that publish them (Helsinki's Ahjo)."""
