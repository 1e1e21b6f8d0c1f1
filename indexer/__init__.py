"""Exact Chinese full-text search for policy articles: jieba + Whoosh.

The public API; everything else is internal to the package.
"""

from indexer.analysis import setup_jieba as warm_up
from indexer.build import reindex
from indexer.errors import (
    ArticleError,
    IndexBusyError,
    IndexerError,
    IndexMissingError,
    QueryError,
)
from indexer.facets import Filters, parse_filters
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
from indexer.querylog import QueryLog
from indexer.reader import SearchIndex, open_index
from indexer.search import article_view, get_article, search
from indexer.store import index_exists
from indexer.suggest import suggest
from indexer.synonyms import SynonymFile, Synonyms

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
    "ReindexReport",
    "SearchIndex",
    "SearchPage",
    "Step",
    "Suggestion",
    "SynonymFile",
    "Synonyms",
    "article_view",
    "get_article",
    "index_exists",
    "open_index",
    "parse_filters",
    "reindex",
    "search",
    "suggest",
    "warm_up",
]
