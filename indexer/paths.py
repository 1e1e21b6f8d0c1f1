"""Where the corpus, the index and the crawler's site list are when nobody
says, for the command line and the web app alike: the checkout's
``corpus/``, ``instance/index/`` and ``instance/sites.toml``.

Resolved from this file's place, not from the working directory, so
``python -m indexer search`` run from any folder searches the index the
site serves, and a reindex run from elsewhere does not quietly build a
second index there. ``--corpus``/``--index`` (or ``FLASK_CORPUS_DIR`` and
``FLASK_INDEX_DIR``, which the app and the command line both read) choose
others; a relative path given there is taken from the working directory,
as usual.
"""

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = CHECKOUT / "corpus"
DEFAULT_INSTANCE_DIR = CHECKOUT / "instance"  # the app's instance folder
DEFAULT_INDEX_DIR = DEFAULT_INSTANCE_DIR / "index"
DEFAULT_SITES_FILE = DEFAULT_INSTANCE_DIR / "sites.toml"  # what `crawl` fetches
