"""A search result built from an article's stored fields, in one place for
the result list and the related articles."""

from __future__ import annotations

from markupsafe import Markup

from indexer.models import Hit
from indexer.search.highlight import Needle, highlight, snippet


def make_hit(
    fields: dict, score: float, needles: list[Needle], with_snippet: bool = True, tier: int = 0
) -> Hit:
    """The hit for stored ``fields``, its title and snippet marked where
    ``needles`` occur; without ``with_snippet`` the snippet is empty (the
    related-articles list shows titles only)."""
    body = fields.get("body", "") if with_snippet else ""
    return Hit(
        id=fields["id"],
        title=fields["title"],
        title_html=highlight(fields["title"], needles),
        snippet_html=snippet(body, needles) if body else Markup(""),
        date=fields.get("date"),
        column=fields.get("column", ""),
        source=fields.get("source", ""),
        score=round(score, 4),
        tier=tier,
        source_url=fields.get("source_url", ""),
    )
