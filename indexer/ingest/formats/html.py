"""Saved article pages (from 西双版纳先锋 or similar government sites) -> Article.

Pages differ in markup but share a shape: site chrome (menus, breadcrumb,
footer with 版权所有 and ICP备案), a title, an info line (来源 / 发布时间) and
one container holding the article text (``.TRS_Editor``, ``#zoom``,
``#content``, ``<article>``…). We read the metadata first, then drop the
chrome and find the container; html_text.py takes the paragraphs from it.
Parsing is selectolax's lexbor backend (the older ``selectolax.parser``
module is removed in selectolax 1.0).

It is one piece: each step reads the one parsed tree and its measured text
sizes, in this order (metadata before the chrome is dropped, the container
after); html_text.py already holds what works on a node alone.
"""

from __future__ import annotations

import logging
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from indexer.errors import ArticleError
from indexer.ingest.dates import find_date, parse_date
from indexer.ingest.decode import decode_html, text_lines
from indexer.ingest.formats.html_text import (
    TextSize,
    TooDeepError,
    body_paragraphs,
    collapse_space,
    node_text,
    text_sizes,
)
from indexer.ingest.formats.saved import apply_saved, unwrap_page
from indexer.ingest.limits import MAX_HTML_DEPTH
from indexer.ingest.meta import meta_date, parse_meta_line
from indexer.models import Article
from indexer.urls import http_url

logger = logging.getLogger(__name__)

# Elements whose text is never article text, removed before anything is read.
NEVER_TEXT = "script, style, noscript, template, svg, iframe, object, embed"
# Site chrome, removed once the metadata has been read: these elements…
NOISE_TAGS = frozenset("nav header footer form aside button select input".split())
# …an id or class holding one of these words (split on - and _)…
NOISE_WORDS = frozenset(
    "nav navbar menu footer breadcrumb crumb share bdshare bdsharebuttonbox sidebar"
    " copyright qrcode toolbar friendlink print".split()
)
# …or named exactly so: as parts of a longer name ("article-header") these
# often label article content instead.
NOISE_NAMES = frozenset(
    "header head top bottom foot banner search position location side related comment"
    " weizhi dqwz".split()
)
BREADCRUMB_WORDS = frozenset("breadcrumb crumb crumbs position location weizhi".split())
BREADCRUMB_PLACEHOLDERS = frozenset("正文 正文内容 详情 内容 文章内容 阅读正文".split())
INFO_TAGS = frozenset("div p span td li em small time".split())  # where 来源/发布时间 sit
# Most specific first: a TRS editor block beats a page-wide #content wrapper.
CONTENT_SELECTORS = tuple(
    ".TRS_Editor #zoom #UCAP-CONTENT .article-content .article_content .articleContent"
    " .news-content .news_content .content-text .detail-content #content .content"
    " article .article #article main".split()
)
TITLE_SELECTORS = tuple(
    "h1 .article-title .articleTitle .news-title .news_title .detail-title #title .title".split()
)
DATE_META_KEYS = tuple(
    "article:published_time pubdate publishdate publish_date publishtime datepublished"
    " dc.date dc.date.issued date".split()
)
# Blocks that hold other blocks (html_text.BLOCK_TAGS starts a line at each block).
_CONTAINER_TAGS = frozenset("div td table tr section article main ul ol".split())
# Words site names end with, so "标题 - 西双版纳先锋" loses its suffix.
SITE_WORDS = ("先锋", "网", "网站", "门户", "政府", "在线", "平台", "官网", "组织部")

_TITLE_SUFFIX_RE = re.compile(r"\s*[-_|—–－｜]+\s*([^-_|—–－｜]+?)\s*$")
_CRUMB_SEPARATOR_RE = re.compile(r"[>›»→＞/|]+")
_CRUMB_LABEL_RE = re.compile(r"^您?(?:现在)?(?:的|当前)?(?:所在)?位置\s*[:：]?\s*")
_MAX_INFO_LINE = 200
# Block elements whose start tag makes an HTML parser look down its stack of
# open elements (to close a <p>): nested thousands deep, parsing alone takes
# time quadratic in the depth, so their nesting is counted before parsing.
_BLOCK_TAG_RE = re.compile(
    r"<(/?)(?:div|section|article|aside|blockquote|center|details|dl|fieldset|figure"
    r"|figcaption|footer|header|hgroup|main|nav|ol|ul|menu|dir|form|address|dialog"
    r"|summary|search|pre|listing|h[1-6])(?=[\s/>])",
    re.IGNORECASE,
)
_MAX_TITLE = 500  # a "title" element holding more is a wrapper, not the title
# An element is read for a short line only when its spacing and nodes stay
# within this multiple of the line's length (pretty-printed markup is far below).
_SHORT_SLACK = 20


def parse_html(html: str | bytes, article_id: str) -> Article:
    """Parse one saved article page; raises ArticleError without title or text."""
    if isinstance(html, bytes):
        html = decode_html(html)
    saved = unwrap_page(html.lstrip("\ufeff"))
    html = saved.html
    check_nesting(html, article_id)
    tree = LexborHTMLParser(html)
    for node in tree.css(NEVER_TEXT):
        node.decompose()
    sizes = _measure(tree, article_id)
    metas = _meta_tags(tree)
    source_url = saved.url or _canonical_url(tree) or http_url(metas.get("og:url", ""))
    title = _find_title(tree, metas, sizes)
    if not title:
        raise ArticleError(article_id, "no title found")
    info = _info_fields(tree, sizes)
    column = metas.get("columnname") or _breadcrumb_column(tree, title, sizes)
    _drop_noise(tree)
    container = _main_container(tree, _measure(tree, article_id))
    body, trailing_source = body_paragraphs(container, title)
    if not body:
        raise ArticleError(article_id, "no article text found")
    article = Article(
        id=article_id,
        title=title,
        body="\n".join(body),
        date=_meta_tag_date(metas) or meta_date(info),
        column=column,
        source=metas.get("contentsource") or info.get("source") or trailing_source,
        source_url=source_url,
        file=article_id,
    )
    return apply_saved(article, saved)


def _canonical_url(tree: LexborHTMLParser) -> str:
    """The page's ``<link rel=canonical>`` address when it is an absolute web address."""
    for link in tree.css("link[rel]"):
        if "canonical" in (link.attributes.get("rel") or "").lower().split():
            return http_url(link.attributes.get("href") or "")
    return ""


def check_nesting(html: str, article_id: str) -> None:
    """ArticleError when block elements nest deeper than MAX_HTML_DEPTH,
    found in linear time before any parsing."""
    if _block_depth(html) > MAX_HTML_DEPTH:
        raise ArticleError(article_id, f"elements nested more than {MAX_HTML_DEPTH} deep")


def _block_depth(html: str) -> int:
    """How deep block elements nest, counted from the tags (linear, before
    parsing): an upper bound of the parser's depth for them."""
    depth = deepest = 0
    for m in _BLOCK_TAG_RE.finditer(html):
        depth = max(0, depth - 1) if m[1] else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _measure(tree: LexborHTMLParser, article_id: str) -> dict[int, TextSize]:
    """Text sizes of the page's elements (html_text.text_sizes); ArticleError
    when they nest deeper than any real page."""
    try:
        return text_sizes(tree.root, MAX_HTML_DEPTH) if tree.root else {}
    except TooDeepError as e:
        raise ArticleError(article_id, str(e)) from None


def _is_short(node: LexborNode, sizes: dict[int, TextSize], limit: int) -> bool:
    """Whether ``node``'s text may be at most ``limit`` characters, judged
    from its size alone: only such elements are read for a title or an info
    line, so reading them costs the page's size a bounded number of times."""
    size = sizes.get(node.mem_id)
    slack = limit * _SHORT_SLACK
    return size is not None and size.visible <= limit and size.raw <= slack and size.nodes <= slack


def _meta_tags(tree: LexborHTMLParser) -> dict[str, str]:
    """``<meta>`` contents keyed by lower-cased name / property / itemprop (first wins)."""
    metas: dict[str, str] = {}
    for meta in tree.css("meta"):
        attrs = meta.attributes
        key = attrs.get("name") or attrs.get("property") or attrs.get("itemprop")
        content = (attrs.get("content") or "").strip()
        if key and content:
            metas.setdefault(key.strip().lower(), content)
    return metas


def _meta_tag_date(metas: dict[str, str]) -> str | None:
    values = (metas.get(key, "") for key in DATE_META_KEYS)
    return next((d for v in values if (d := parse_date(v) or find_date(v))), None)


def _find_title(tree: LexborHTMLParser, metas: dict[str, str], sizes: dict[int, TextSize]) -> str:
    """The article title: og:title, ArticleTitle, a heading outside the chrome, <title>.

    Each candidate loses a trailing site name (" - 西双版纳先锋"), and one that is
    only the site name (a logo, a lazy og:title) is passed over.
    """
    title_tag = tree.css_first("title")
    if title_tag is not None and not _is_short(title_tag, sizes, _MAX_TITLE):
        title_tag = None
    site_names = {metas.get("og:site_name", ""), metas.get("sitename", "")}
    page_title = _strip_site_suffix(
        node_text(title_tag) if title_tag else "", site_names, learn=True
    )
    candidates = [metas.get("og:title", ""), metas.get("articletitle", "")]
    for selector in TITLE_SELECTORS:
        nodes = [n for n in tree.css(selector) if _is_short(n, sizes, _MAX_TITLE)]
        candidates += [node_text(n) for n in nodes if not _in_noise(n)]
    for candidate in [*candidates, page_title]:
        title = _strip_site_suffix(collapse_space(candidate), site_names)
        if title and title not in site_names:
            return title
    return ""


def _strip_site_suffix(title: str, site_names: set[str], learn: bool = False) -> str:
    """Remove trailing " - 西双版纳先锋" parts naming a known site.

    With ``learn``, also remove parts that look like a site name (end in 先锋,
    网, 政府…) and add them to ``site_names``: the page's own <title> is where
    the site names itself.
    """
    while (match := _TITLE_SUFFIX_RE.search(title)) and match.start() > 0:
        if not (match[1] in site_names or learn and match[1].endswith(SITE_WORDS)):
            break
        site_names.add(match[1])
        title = title[: match.start()]
    return title


def _info_fields(tree: LexborHTMLParser, sizes: dict[int, TextSize]) -> dict[str, str]:
    """Fields of the page's 来源 / 发布时间 info line.

    Sites put the fields in one element or one ``<span>`` each, beside widgets
    like 【字体：大 中 小】. The smallest elements are read first, so a field comes
    from its own span when there is one, not from a cluttered parent.
    """
    nodes = tree.body.traverse() if tree.body else []
    short = (n for n in nodes if n.tag in INFO_TAGS and _is_short(n, sizes, _MAX_INFO_LINE))
    lines = {node_text(n) for n in short}
    fields: dict[str, str] = {}
    for line in sorted((ln for ln in lines if len(ln) <= _MAX_INFO_LINE), key=len):
        for key, value in (parse_meta_line(line) or {}).items():
            if value:
                fields.setdefault(key, value)
    return fields


def _breadcrumb_column(tree: LexborHTMLParser, title: str, sizes: dict[int, TextSize]) -> str:
    """The column (栏目) named by the breadcrumb: 首页 > 工作动态 > 正文 -> 工作动态."""
    crumb = next((n for n in tree.css("[class], [id]") if _names(n) & BREADCRUMB_WORDS), None)
    if crumb is None:
        candidates = tree.css("div, p, span, td")
        short = (n for n in candidates if _is_short(n, sizes, _MAX_INFO_LINE))
        crumb = next((n for n in short if _is_crumb_text(n)), None)
    if crumb is None:
        return ""
    fragments = text_lines(crumb.text(separator="\n"))
    items = [i.strip() for f in fragments for i in _CRUMB_SEPARATOR_RE.split(f)]
    items = [_CRUMB_LABEL_RE.sub("", i) for i in items]
    items = [i for i in items if i]
    # Drop a closing 正文 placeholder or the (maybe shortened) article title.
    while items and (items[-1] in BREADCRUMB_PLACEHOLDERS or _is_title_stem(items[-1], title)):
        items.pop()
    return items[-1] if len(items) >= 2 else ""


def _is_crumb_text(node: LexborNode) -> bool:
    text = node_text(node)
    return len(text) <= _MAX_INFO_LINE and bool(_CRUMB_LABEL_RE.match(text))


def _is_title_stem(item: str, title: str) -> bool:
    """Whether a breadcrumb item is the title, maybe cut short ("勐海县：筑牢党建…")."""
    stem = item.rstrip(".…")
    return item == title or (len(stem) >= 8 and title.startswith(stem))


def _drop_noise(tree: LexborHTMLParser) -> None:
    """Remove site chrome, innermost first so no node is freed twice."""
    nodes = tree.body.traverse() if tree.body else []
    for node in reversed([n for n in nodes if _is_noise(n)]):
        node.decompose()


def _is_noise(node: LexborNode) -> bool:
    """Whether an element is site chrome rather than article content."""
    if node.tag in ("header", "footer"):
        # Inside an article, <header> holds the title; only page-level ones are chrome.
        return not any(a.tag in ("article", "main", "section") for a in _ancestors(node))
    if node.tag in NOISE_TAGS:
        return True
    attrs = node.attributes
    whole = {v.lower() for v in (attrs.get("id"), *(attrs.get("class") or "").split()) if v}
    return bool(whole & NOISE_NAMES or _names(node) & NOISE_WORDS)


def _in_noise(node: LexborNode) -> bool:
    return _is_noise(node) or any(_is_noise(a) for a in _ancestors(node))


def _ancestors(node: LexborNode) -> list[LexborNode]:
    parents = []
    parent = node.parent
    while parent is not None and parent.tag != "html":
        parents.append(parent)
        parent = parent.parent
    return parents


def _names(node: LexborNode) -> set[str]:
    """The words of an element's id and classes: "main-nav bd_share" -> main, nav, bd, share."""
    attrs = node.attributes
    raw = f"{attrs.get('id') or ''} {attrs.get('class') or ''}".lower()
    return set(re.split(r"[\s_-]+", raw)) - {""}


def _main_container(tree: LexborHTMLParser, sizes: dict[int, TextSize]) -> LexborNode | None:
    """The element holding the article text: a known container, else the densest block.

    Density counts only text that is not inside a nested block, so the page
    wrapper (which contains everything) does not win over the article itself.
    """

    def visible(node: LexborNode) -> int:
        size = sizes.get(node.mem_id)
        return size.visible if size else 0

    for selector in CONTENT_SELECTORS:
        nodes = [n for n in tree.css(selector) if visible(n)]
        if nodes:
            return max(nodes, key=visible)

    def own_text(node: LexborNode) -> int:
        children = node.iter(include_text=True)
        return sum(
            len((c.text_content or "").strip()) if c.is_text_node else visible(c)
            for c in children
            if c.tag not in _CONTAINER_TAGS
        )

    return max(tree.css("div, td, section, article, main"), key=own_text, default=tree.body)
