"""Headings in a bulletin's text: a line that begins with two to six `#` and a space (`## Päätös`),
as in Markdown. The readers write headings so (search.corpus.html); the bulletin page shows them as
headings, and snippets and the terminal leave the marks out."""

import re

HEADING_MARKS = re.compile(r"^(#{2,6}) (?=\S)", re.MULTILINE)
