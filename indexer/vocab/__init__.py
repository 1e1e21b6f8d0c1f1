"""The index's own vocabulary: its words with their pinyin and document
frequencies, built at indexing time and read for suggestions, pinyin search
and corrections."""
