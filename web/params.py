"""The query string -> arguments of :mod:`indexer` calls, with messages a
user can act on when a parameter is unusable."""

from __future__ import annotations

from flask import request

import indexer

FILTER_PARAMS = ("from", "to", "column", "place", "sort")


class BadParameter(ValueError):
    """A query-string parameter we cannot use; the message is for the user."""


def int_arg(name: str, default: int, maximum: int = 999_999_999) -> int:
    """A positive integer query parameter, or BadParameter with a clear message."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    digits = raw.lstrip("0")
    if not (raw.isascii() and raw.isdigit() and digits):
        raise BadParameter(f"{name} must be a positive integer, not {raw[:20]!r}")
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise BadParameter(f"{name} must be between 1 and {maximum}, not {raw[:20]}")
    return int(digits)


def request_filters() -> indexer.Filters:
    """Date range, column, place and sort from the query string (QueryError if bad)."""
    args = request.args
    return indexer.parse_filters(
        args.get("from"), args.get("to"), args.get("column"), args.get("sort"), args.get("place")
    )


def kept_filters() -> dict[str, str]:
    """The filter parameters in force, for links that keep them."""
    return {k: request.args[k] for k in FILTER_PARAMS if request.args.get(k, "").strip()}
