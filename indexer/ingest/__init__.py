"""Bytes on disk -> Article: the corpus walk, ids, stat and hash, decoding, the
meta line, dates, the formats (scraped text, HTML, JSON Lines) and uploads.
No jieba and no Whoosh here."""
