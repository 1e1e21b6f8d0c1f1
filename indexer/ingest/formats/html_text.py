"""Text of a parsed page as a reader sees it: markup whitespace collapsed the
way a browser renders it, and the article container turned into paragraphs.

importers_html.py finds the container and the metadata; this module only
reads text out of elements.
"""

from __future__ import annotations

import re

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
