"""Exact Chinese full-text search for policy articles: jieba + Whoosh.

The public API; everything else is internal to the package. ``reindex`` is
imported on first use: the indexing side (writers, pinyin, key terms) costs a
one-off search from a shell time it does not need.
"""

from typing import TYPE_CHECKING, Any

from indexer.errors import (
    ArticleError,
    IndexBusyError,
    IndexerError,
    IndexMissingError,
    QueryError,
)
from indexer.index.reader import SearchIndex, open_index
from indexer.index.store import index_exists, warm_up
from indexer.models import (
    Article,
    ArticleView,
    FileFailure,
    Hit,
    ReindexReport,
    SearchPage,
    Step,
    Suggestion,
)
from indexer.querylog import OncePerDay, QueryLog, log_beside
from indexer.search.engine import article_view, count_matches, get_article, search
from indexer.search.facets import Filters, filter_choices, parse_filters
from indexer.search.query import compose_query, is_plain
from indexer.search.suggest import suggest
from indexer.search.synonyms import SynonymFile, Synonyms

__all__ = [
    "Article",
    "ArticleError",
    "ArticleView",
    "FileFailure",
    "Filters",
    "Hit",
    "IndexBusyError",
    "IndexMissingError",
    "IndexerError",
    "QueryError",
    "QueryLog",
    "OncePerDay",
    "ReindexReport",
    "SearchIndex",
    "SearchPage",
    "Step",
    "Suggestion",
    "SynonymFile",
    "Synonyms",
    "article_view",
    "compose_query",
    "count_matches",
    "filter_choices",
    "get_article",
    "index_exists",
    "is_plain",
    "log_beside",
    "open_index",
    "parse_filters",
    "reindex",
    "search",
    "suggest",
    "warm_up",
]

if TYPE_CHECKING:
    from indexer.index.build import reindex


def __getattr__(name: str) -> Any:
    """``indexer.reindex``, imported when first asked for (PEP 562)."""
    if name == "reindex":
        from indexer.index.build import reindex

        return reindex
    raise AttributeError(f"module 'indexer' has no attribute {name!r}")
