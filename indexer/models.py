"""Plain data passed between the layers: parsing -> indexing -> searching -> web.

Nothing here imports jieba or Whoosh, so every layer (and the tests) can use
these types without paying for the search stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article as written, ready to index.

    ``id`` is the path of the source file relative to the corpus folder (POSIX
    separators); an article from a multi-article file (JSON Lines) gets
    ``"<path>#<line number>"``. ``body`` keeps the paragraphs as written, one per
    line, so the article page can show them and highlights land on the original.
    """

    id: str
    title: str
    body: str
    date: str | None = None  # ISO "YYYY-MM-DD", None when the source has none
    column: str = ""  # 栏目, e.g. 工作动态
    source: str = ""  # 来源, e.g. 西双版纳先锋
    source_url: str = ""  # original address (crawl, canonical link, JSON Lines url)
    file: str = ""  # corpus-relative path of the file it came from
    # (name, original address) of each attachment whose text ends the body,
    # each under its own attachment_heading(name) line.
    attachments: tuple[tuple[str, str], ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n") if p.strip()]


def attachment_heading(name: str) -> str:
    """The body line that opens an attachment's text: 附件：通知.pdf (link
    texts such as 附件1：通知.pdf are kept as they are)."""
    return name if name.startswith("附件") else f"附件：{name}"


@dataclass(frozen=True)
class FileFailure:
    """A corpus file that could not be read or parsed, and why."""

    path: str
    reason: str


@dataclass
class ReindexReport:
    """What one reindex did; printed by the CLI and shown on the admin page."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[FileFailure] = field(default_factory=list)
    documents: int = 0  # live articles in the index afterwards
    generation: int = 0
    seconds: float = 0.0
    full: bool = False

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "documents": self.documents,
            "generation": self.generation,
            "seconds": round(self.seconds, 3),
            "full": self.full,
        }


SHOWN_PER_KIND = 50  # a text summary lists this many items of one kind and counts the rest


def listed(label: str, items: list[str]) -> list[str]:
    """Lines of a text summary (reindex, check): ``  label: item`` for the
    first SHOWN_PER_KIND ``items``, then ``  ... and N more label``."""
    lines = [f"  {label}: {item}" for item in items[:SHOWN_PER_KIND]]
    if len(items) > SHOWN_PER_KIND:
        lines.append(f"  ... and {len(items) - SHOWN_PER_KIND} more {label}")
    return lines


@dataclass(frozen=True)
class Hit:
    """One search result. The ``*_html`` fields are escaped HTML whose only
    markup is ``<mark>``; they are ``markupsafe.Markup`` so templates need no
    ``|safe``.

    ``score`` is the article's relevance to the query: BM25F over the words
    searched (title weighted above body), plus, for the top results, how
    much the article is about the query's phrases (search/about.py); 0 or
    more, higher is more relevant. Results are ordered first by how the
    query matched (the whole query in the title, the whole phrase, all its
    words, only through a synonym) and then by this score, so a later hit
    may score higher than an earlier one."""

    id: str
    title: str
    title_html: str
    snippet_html: str
    date: str | None
    column: str
    source: str
    score: float
    source_url: str = ""
    tier: int = 0  # how the query matched, higher is closer (search/matching.py); not in JSON

    def as_dict(self) -> dict:
        """The hit as JSON values (HTML as strings): the one form the API
        and the command line give, ``path`` repeating ``id`` for older clients."""
        return {
            "id": self.id,
            "path": self.id,
            "title": self.title,
            "title_html": str(self.title_html),
            "date": self.date,
            "column": self.column,
            "source": self.source,
            "source_url": self.source_url,
            "snippet_html": str(self.snippet_html),
            "score": self.score,
        }


@dataclass(frozen=True)
class Step:
    """One step of the zero-results chain: what was searched and how many
    articles it found. ``kind`` is phrase, all_words, any_word, corrected or
    pinyin."""

    kind: str
    query: str
    total: int


@dataclass(frozen=True)
class Suggestion:
    """One completion for the search box; ``kind`` is word, pinyin or title."""

    text: str
    kind: str


@dataclass
class SearchPage:
    """One page of results for a query."""

    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    terms: list[str] = field(default_factory=list)  # what was highlighted
    notices: list[str] = field(default_factory=list)  # e.g. "引号未闭合，已按普通文本搜索"
    # True when ``total`` is an upper bound: a phrase in a very large share of
    # the articles was not checked article by article (the hits shown were).
    total_is_estimate: bool = False
    # facet name ("year", "column") -> [(value, count)] over the matches
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # (term as typed, synonyms also searched), shown as "也搜索了 …"
    also_searched: list[tuple[str, list[str]]] = field(default_factory=list)
    # When the query as typed found nothing: each step tried, in order; the
    # hits are those of the last step.
    steps: list[Step] = field(default_factory=list)
    did_you_mean: str | None = None  # a likelier query, offered, never applied silently
    keywords: list[str] = field(default_factory=list)  # characteristic words of the hits

    @property
    def searched(self) -> str:
        """What the hits are for: the query, or the chain's last step."""
        return self.steps[-1].query if self.steps and self.total else self.query

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class ArticleView:
    """An article with its title and paragraphs highlighted for a query."""

    article: Article
    title_html: str
    paragraphs_html: list[str]
    related: list[Hit] = field(default_factory=list)  # most similar articles
    # paragraph index -> original address, for the 附件 headings
    attachment_links: dict[int, str] = field(default_factory=dict)
    # indices of the paragraphs that are section subheadings (search/display.py)
    subheadings: frozenset[int] = frozenset()
