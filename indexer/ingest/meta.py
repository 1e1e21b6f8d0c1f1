"""The 来源 / 发布时间 meta line and the trailing source line of an article page,
as the site prints them; read by the scraped-text and the HTML formats."""

from __future__ import annotations

import re

from indexer.ingest.dates import find_date, parse_date

_META_LABEL_RE = re.compile(
    r"(来源|作者|责任编辑|编辑|发布时间|发布日期|日期|时间|访问次数|浏览次数|点击次数|点击数|阅读次数)"
    r"\s*[:：]\s*"
)
_META_FIELDS = {
    "来源": "source",
    "作者": "author",
    "责任编辑": "editor",
    "编辑": "editor",
    "发布时间": "date",
    "发布日期": "date",
    "日期": "date",
    "时间": "date",
}
_MAX_TRAILING_SOURCE = 60  # longer "来源:…" lines are paragraphs, kept


def parse_meta_line(line: str) -> dict[str, str] | None:
    """Read a ``来源 :… 访问次数 : 发布时间 :…`` line into its fields.

    Returns None unless the line starts with a known label. Spaces around the
    colon, full-width or ASCII colons, any order and missing fields are all
    accepted. Known keys: ``source``, ``date`` (as written), ``author``,
    ``editor``; counters such as 访问次数 are dropped.
    """
    line = line.strip()
    labels = list(_META_LABEL_RE.finditer(line))
    if not labels or labels[0].start() != 0:
        return None
    fields: dict[str, str] = {}
    for label, following in zip(labels, [*labels[1:], None], strict=True):
        end = following.start() if following else None
        key = _META_FIELDS.get(label[1])
        if key:
            fields.setdefault(key, line[label.end() : end].strip())
    return fields


def meta_date(fields: dict[str, str]) -> str | None:
    """The ISO date of a meta line's 发布时间 field, None when absent or unreadable."""
    value = fields.get("date", "")
    return parse_date(value) or find_date(value)


def split_trailing_source(lines: list[str]) -> tuple[list[str], str]:
    """Drop a closing ``来源:西双版纳先锋`` line; return the other lines and that source.

    The site repeats the source under the text. It is a byline, not a paragraph,
    but it still names the source when the meta line does not. A lone line is
    never dropped: it is the title, not a byline.
    """
    if len(lines) < 2 or len(lines[-1]) > _MAX_TRAILING_SOURCE:
        return lines, ""
    fields = parse_meta_line(lines[-1])
    if fields is None or set(fields) != {"source"}:
        return lines, ""
    return lines[:-1], fields["source"]
