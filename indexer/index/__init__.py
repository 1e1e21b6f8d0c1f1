"""Articles -> a generation on disk and back: the store (folders, CURRENT, the
writer lock), the Whoosh schema, the writer and the build (reindex), the reader,
the character index, BM25F ranking, the check and the corpus watcher."""
