"""Searching the index: the one API that the CLI and the web app both call."""
