"""The fields of the index: what is searched, how, and what is stored for display."""

from whoosh.analysis import IDAnalyzer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, NUMERIC, STORED, TEXT, FieldType, Schema

from search.finnish import exact_analyzer, lemma_analyzer, parts_analyzer

# Bump when the fields or their analysis change: an index of another version is rebuilt.
SCHEMA_VERSION = 13

# The fields a search filters and facets by, each one name per bulletin (or none).
FILTER_FIELDS = ("organ", "kind", "classification")


def bulletin_schema() -> Schema:
    """Lemma fields with positions (title, body) serve scoring and phrases; `exact` (surface forms)
    and `parts` (compound parts and runs of them, search.finnish.words) hold title and body text
    together and are weighted by the query; the rest filter, sort, facet and display. `organ` and
    `classification` are indexed lowercased as one term each (a filter matches the whole name
    without regard to case) and kept as written in their columns (for facets) and stored fields;
    `case` holds the normalized diary number (`HEL 2021-009631`, see search.corpus.normalize_case)
    lowercased, and the number without the city's code (`2021-009631`), and stores it as written;
    `kind` is `decision`, `agenda_item`, `announcement` or a source's own word; `file` is the
    corpus file a bulletin was read from (relative to the corpus), so that an update of one file
    finds the bulletins it held. `id` and
    `content_hash` are also columns, so that an update reads them for every bulletin without
    unpickling the stored fields; `lead` (the lemmas of a bulletin's opening, space-separated) is a
    column that search feedback reads. `date` and `year` are stored and sortable columns only."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        file=ID(sortable=True),
        title=TEXT(analyzer=lemma_analyzer(), stored=True, phrase=True),
        body=TEXT(analyzer=lemma_analyzer(), stored=True, phrase=True),
        exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        parts=TEXT(analyzer=parts_analyzer(), phrase=False),
        date=_not_indexed(DATETIME(stored=True, sortable=True)),
        date_text=STORED(),
        year=_not_indexed(NUMERIC(int, stored=True, sortable=True)),
        organ=ID(stored=True, analyzer=IDAnalyzer(lowercase=True), sortable=True),
        lang=ID(stored=True),
        kind=ID(stored=True, sortable=True),
        case=ID(stored=True, sortable=True),
        classification=ID(stored=True, analyzer=IDAnalyzer(lowercase=True), sortable=True),
        section=STORED(),
        url=STORED(),
        source=STORED(),
        content_hash=COLUMN(VarBytesColumn()),
        lead=COLUMN(VarBytesColumn()),
    )


def _not_indexed(field: FieldType) -> FieldType:
    """`field` kept as a stored value and a sortable column, with no terms: searches filter, sort and
    count dates and years by the columns (search.index.summaries). Whoosh would index a date and a
    year as 8 range terms each: 16 of the 72 postings of a news headline, written and never read."""
    field.indexed = False
    return field
