"""The site's scraped text format -> Article.

The scraped format (see ``corpus/README.md`` and the example in ``corpus/``)::

    今天是:                       <- date widget, dropped
    工作动态                      <- column (栏目)
    【…】(之三)勐海县:筑牢党建根基   <- title, verbatim
    来源 :西双版纳先锋 访问次数 : 发布时间 :2021-10-01
    编者按:                       <- body: every paragraph, in order
    …
    来源:西双版纳先锋              <- trailing source line, dropped
"""

from __future__ import annotations

import re

from indexer.errors import ArticleError
from indexer.ingest.decode import text_lines
from indexer.ingest.meta import meta_date, parse_meta_line, split_trailing_source
from indexer.models import Article

# Header lines may only sit this far down; further on, a line such as
# "时间：10月1日上午" is body text, not the meta line.
HEADER_WINDOW = 4
# Column names (工作动态, 组工要闻, 县市动态) are a few Chinese characters with no
# punctuation; titles are longer. Consulted only where the layout is ambiguous.
_COLUMN_RE = re.compile(r"[\u4e00-\u9fff]{2,8}")
_DATE_WIDGET = "今天是"


def parse_text(text: str, article_id: str) -> Article:
    """Parse one article in the site's scraped text format.

    Raises :class:`ArticleError` when no title or no body text can be found.
    """
    lines = text_lines(text)
    if lines and lines[0].startswith(_DATE_WIDGET):
        lines = lines[1:]
    lines, trailing_source = split_trailing_source(lines)
    column, title, fields, body = _split_header(lines)
    if not title:
        raise ArticleError(article_id, "no title found")
    if not body:
        raise ArticleError(article_id, "no body text (truncated?)")
    return Article(
        id=article_id,
        title=title,
        body="\n".join(body),
        date=meta_date(fields),
        column=column,
        source=fields.get("source") or trailing_source,
        file=article_id,
    )


def _split_header(lines: list[str]) -> tuple[str, str, dict[str, str], list[str]]:
    """Split the lines after the date widget into column, title, meta fields, body.

    With a meta line the layout is known: the title is just above it and the
    column above that. A lone line above the meta line is the title, unless it
    looks like a column name (then the title is missing). Without a meta line,
    the first line is the column only if it looks like one.
    """
    for k, line in enumerate(lines[:HEADER_WINDOW]):
        fields = parse_meta_line(line)
        if fields is not None:
            head, body = lines[:k], lines[k + 1 :]
            if len(head) == 1 and _COLUMN_RE.fullmatch(head[0]):
                return head[0], "", fields, body  # 工作动态 but the title line is lost
            if len(head) < 2:
                return "", "".join(head), fields, body
            # Two or more header lines: column first, then a title that a
            # wrapped scrape may have split over several lines.
            return head[0], " ".join(head[1:]), fields, body
    if len(lines) > 2 and _COLUMN_RE.fullmatch(lines[0]):
        return lines[0], lines[1], {}, lines[2:]
    return "", lines[0] if lines else "", {}, lines[1:]
