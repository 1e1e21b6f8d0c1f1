"""Text of a parsed page as a reader sees it: markup whitespace collapsed the
way a browser renders it, and the article container turned into paragraphs.

html.py finds the container and the metadata; this module only reads text
out of elements, and measures it (:func:`text_sizes`) so that html.py reads
the text of an element only when it is short: reading every element's text
costs the page's size once per level of nesting, which an attacker can make
as deep as the page is long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from indexer.ingest.meta import parse_meta_line, split_trailing_source

# Each starts a new line of text.
BLOCK_TAGS = frozenset(
    "p div section article main li ul ol dl dd dt table tr td th h1 h2 h3 h4 h5 h6"
    " blockquote pre center figure figcaption hr".split()
)

_HTML_SPACE_RE = re.compile(r"[ \t\n\r\f]+")  # NBSP is text, not markup spacing
# A line break in the source between two wide (CJK) characters is no space at
# all (CSS Text 3, segment break transformation): "党建\n工作" reads 党建工作.
_WIDE = r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
_WIDE_BREAK_RE = re.compile(rf"(?<={_WIDE})[ \t\r\f]*\n[ \t\n\r\f]*(?={_WIDE})")


class TooDeepError(ValueError):
    """Elements nested deeper than the limit given to :func:`text_sizes`."""


@dataclass(frozen=True)
class TextSize:
    """How much text an element holds, counted without reading it."""

    visible: int  # characters other than markup spacing (at most len(node_text))
    raw: int  # characters of its text nodes, spacing included
    nodes: int  # elements and text nodes below it, itself included


def text_sizes(root: LexborNode, max_depth: int) -> dict[int, TextSize]:
    """The TextSize of every element below ``root``, keyed by ``mem_id``, in
    one pass over the tree (selectolax's own traversal, no recursion).
    Raises TooDeepError when elements nest more than ``max_depth`` deep."""
    rows = []  # (node id, parent id, text or None), parents before children
    for node in root.traverse(include_text=True):
        parent = node.parent
        text = (node.text_content or "") if node.is_text_node else None
        rows.append((node.mem_id, parent.mem_id if parent is not None else 0, text))
    rows[0] = (rows[0][0], 0, rows[0][2])  # root's parent is outside
    visible: dict[int, int] = {}
    raw: dict[int, int] = {}
    count: dict[int, int] = {}
    height: dict[int, int] = {}  # levels of elements below
    for key, up, text in reversed(rows):
        if text is None:
            v, r, n, h = (
                visible.get(key, 0),
                raw.get(key, 0),
                count.get(key, 0) + 1,
                height.get(key, 0),
            )
            count[key] = n
        else:
            r = len(text)
            v, n, h = r - sum(text.count(c) for c in " \t\n\r\f"), 1, -1
        if up:
            visible[up] = visible.get(up, 0) + v
            raw[up] = raw.get(up, 0) + r
            count[up] = count.get(up, 0) + n
            if h + 1 > height.get(up, 0):
                height[up] = h + 1
    if height.get(rows[0][0], 0) > max_depth:
        raise TooDeepError(f"elements nested more than {max_depth} deep")
    return {
        key: TextSize(visible.get(key, 0), raw.get(key, 0), count[key])
        for key, _, text in rows
        if text is None
    }


def body_paragraphs(container: LexborNode | None, title: str) -> tuple[list[str], str]:
    """The container's paragraphs, minus a leading title/info repeat and trailing byline."""
    lines = _block_lines(container) if container else []
    while lines and (lines[0] == title or parse_meta_line(lines[0]) is not None):
        lines.pop(0)
    return split_trailing_source(lines)


def _block_lines(node: LexborNode) -> list[str]:
    """Text of ``node`` as lines: one per block element (<p>, <div>…) or <br>.

    Inline elements (<strong>, <a>, <font>) stay within their line.
    """
    lines: list[str] = []
    buffer: list[str] = []

    def end_line() -> None:
        if line := collapse_space("".join(buffer)):
            lines.append(line)
        buffer.clear()

    def walk(parent: LexborNode) -> None:
        for child in parent.iter(include_text=True):
            if child.is_text_node:
                buffer.append(child.text_content or "")
            elif child.tag == "br" or child.tag in BLOCK_TAGS:
                end_line()
                walk(child)
                end_line()
            elif child.is_element_node:
                walk(child)

    walk(node)
    end_line()
    return lines


def node_text(node: LexborNode) -> str:
    return collapse_space(node.text(separator=" "))


def collapse_space(text: str) -> str:
    """Render markup whitespace as a browser does: runs become one space, or none
    where a source line break falls between two Chinese characters."""
    return _HTML_SPACE_RE.sub(" ", _WIDE_BREAK_RE.sub("", text)).strip()
