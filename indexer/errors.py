"""Exceptions the library raises; the CLI and the web app turn them into
messages at the edge (click.ClickException, HTTP 400/404/503)."""

from __future__ import annotations


class IndexerError(Exception):
    """Base class of everything this package raises on purpose."""


class ArticleError(IndexerError):
    """A corpus file that cannot be read or parsed; reported by name, then skipped."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissingError(IndexerError):
    """No usable index in the folder."""

    def __init__(self, index_dir: str):
        super().__init__(
            f"no index at {index_dir}; run 'python -m indexer reindex --index {index_dir}'"
        )
        self.index_dir = index_dir


class IndexDamagedError(IndexMissingError):
    """Every generation in the folder is damaged: none can be served."""

    def __init__(self, index_dir: str, reason: str):
        IndexerError.__init__(
            self,
            f"no whole index at {index_dir} ({reason}); "
            f"run 'python -m indexer reindex --full --index {index_dir}'",
        )
        self.index_dir = index_dir


class IndexBusyError(IndexerError):
    """Another reindex holds the writer lock."""


class CorpusEmptyError(IndexerError):
    """An incremental reindex would delete every article: more likely a
    missing mount than an editor's intent."""


class QueryError(IndexerError):
    """A query we will not run (too long, too many parts); the message is for the user."""


class UploadError(IndexerError):
    """A file or pasted article the admin page will not save; the reason is
    shown to the uploader next to the name they gave."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class SynonymError(IndexerError):
    """A synonyms entry we will not write; the message is for the editor."""


class PublishError(IndexerError):
    """A replica that could not be fed (unreachable, refused, rsync failed);
    the others are still published to."""
