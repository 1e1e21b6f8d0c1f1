"""The entry point of the web app: ``create_app`` for gunicorn and ``flask
--app search_app``, and ``python search_app.py`` for the development server.

The app itself lives in the :mod:`web` package; this file stays at the top of
the checkout so the commands and the gunicorn config keep their names.
"""

from __future__ import annotations

import logging

import click
from werkzeug.serving import WSGIRequestHandler

from web import create_app

__all__ = ["create_app", "main", "QuietRequestHandler"]


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the Werkzeug and Python versions in ``Server``."""

    def version_string(self) -> str:
        return "xsbn-search"


@click.command()
@click.option("--host", default="127.0.0.1", envvar="HOST", show_default=True, help="Address.")
@click.option("--port", default=5000, type=int, envvar="PORT", show_default=True, help="Port.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help="Index folder.")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), help="Corpus folder.")
@click.option("--debug", is_flag=True, help="Reload on code changes and show tracebacks.")
def main(host: str, port: int, index_dir: str | None, corpus_dir: str | None, debug: bool):
    """Serve the 西双版纳先锋 site search."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    overrides = {"INDEX_DIR": index_dir, "CORPUS_DIR": corpus_dir}
    app = create_app({k: v for k, v in overrides.items() if v is not None})
    app.run(host=host, port=port, debug=debug, request_handler=QuietRequestHandler)


if __name__ == "__main__":
    main()
