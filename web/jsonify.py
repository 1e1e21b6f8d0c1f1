"""JSON as the site sends it: never a raw ``<``, ``>`` or ``&`` in the text."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class HtmlSafeJSONProvider(DefaultJSONProvider):
    """JSON whose text never contains a raw ``<``, ``>`` or ``&``, so an echoed
    query cannot turn into markup even if a client renders the body as HTML."""

    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        text = super().dumps(obj, **kwargs)
        # These characters only occur inside JSON strings, where \uXXXX is equivalent.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
