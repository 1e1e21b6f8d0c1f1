"""The Whoosh schema and the decisions behind each field.

The word fields (title, body) carry jieba words *without positions*: they only
rank (BM25F, title weighted above body). Exact phrases are answered by the
character index beside Whoosh (chars.py), so positions would cost index size
and writing time for nothing. ``cid`` ties a Whoosh document to its entry in
that character index.
"""

from __future__ import annotations

from typing import cast

from whoosh import fields
from whoosh.analysis import Analyzer

from indexer.analysis import chinese_analyzer

# Bump when the schema, the analyzer or the key normalisation changes: an index
# with another version is rebuilt in full by the next reindex.
SCHEMA_VERSION = 10  # 10: trigram and 4-gram postings in the character index

TITLE_BOOST = 3.0
# The word fields BM25F ranks on, in the column order of field_lengths.npy.
RANKED_FIELDS = ("title", "body")


def make_schema() -> fields.Schema:
    """Fields: id (corpus-relative path, unique), file (source file, to delete
    every article of a changed file), cid (character-index id), the ranked word
    fields, and stored display values."""
    # Whoosh takes any tokenizer as an analyzer (it only calls it); its
    # hints name Analyzer. A wrapping CompositeAnalyzer would change the
    # pickled schema and so every index on disk.
    analyzer = cast(Analyzer, chinese_analyzer())
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        file=fields.ID(stored=True),
        cid=fields.NUMERIC(numtype=int, bits=64, stored=True, sortable=True),
        title=fields.TEXT(analyzer=analyzer, phrase=False, stored=True, field_boost=TITLE_BOOST),
        body=fields.TEXT(analyzer=analyzer, phrase=False, stored=True),
        date=fields.ID(stored=True, sortable=True),
        column=fields.ID(stored=True, sortable=True),
        places=fields.NUMERIC(numtype=int, bits=32, signed=False, sortable=True),
        source=fields.STORED(),
        source_url=fields.STORED(),
        attachments=fields.STORED(),  # [(name, original address)]
        # [(word, count)] of the title and lead, for related articles (keyterms.py)
        keyterms=fields.STORED(),
    )
