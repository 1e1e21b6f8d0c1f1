"""How much one corpus file may cost the indexer, and so every later request
that shows what it holds. Each bound is reported per file (or per JSON Lines
line) with the limit it broke, never a crash: see corpus/README.md.

An article page shows the whole article, highlighted, so its size is paid at
every view; a results page pays for its stored text. 200,000 characters is
about a hundred printed pages, far above any article of the site (a few
thousand characters), so only a mistake or an attack reaches it.
"""

from __future__ import annotations

MAX_ARTICLE_CHARS = 200_000  # title and text of one article
MAX_HTML_CHARS = 1_000_000  # a saved page, markup included, before parsing
MAX_HTML_DEPTH = 256  # elements nested in one another (real pages: about 30)
MAX_LINE_FAILURES = 20  # bad JSON Lines lines recorded and reported per file
MAX_JSONL_LINES = 100_000  # lines of one JSON Lines file: each costs a parse
