"""A Whoosh segment writer for the build's worker processes that keeps its
postings by term, in arrays, instead of in Whoosh's posting pool.

Whoosh's pool holds every posting as a tuple (~200 bytes), sorts them all
at the end and, past ``limitmb``, writes sorted runs to disk as one pickle
per posting and merges them back in pure Python: at 50,000 articles per
segment that spilling and merging grew faster than the corpus. Here a
posting is 16 bytes in the arrays of its term (document numbers only grow
within one writer, so each term's postings are already in order), only the
terms are sorted, and they are handed to Whoosh's field writer exactly as
its ``add_postings`` would, so the segment's files are the same.

The per-document lengths each posting records are read once per field
into a list, where ``add_postings`` reads them from the column file per
posting. And a word field given its words as a list (workers.py) is counted
with a Counter, where Whoosh makes a token object per word: the same
(term, frequency, weight, value) per word, as ``Frequency.word_values``
computes them.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter


class TermPool:
    """Stands in for Whoosh's ``PostingPool`` (``add``, ``fieldnames``,
    ``cleanup``) for a writer whose document numbers only grow."""

    def __init__(self) -> None:
        # (field, term bytes) -> document numbers, weights, value numbers
        self.terms: dict[tuple[str, bytes], tuple[array, array, array]] = {}
        self.values: dict[bytes | None, int] = {}  # a posting's value bytes, numbered
        self.fieldnames: set[str] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, text, docnum, weight, value = item
        postings = self.terms.get((fieldname, text))
        if postings is None:
            postings = self.terms[(fieldname, text)] = (array("I"), array("d"), array("I"))
            self.fieldnames.add(fieldname)
        number = self.values.get(value)
        if number is None:
            number = self.values[value] = len(self.values)
        postings[0].append(docnum)
        postings[1].append(weight)
        postings[2].append(number)

    def cleanup(self) -> None:
        self.terms = {}


class TermPoolWriter(SegmentWriter):
    """A ``SegmentWriter`` over a :class:`TermPool`; only ``add_document``
    may feed it (not ``add_reader``, whose document numbers restart)."""

    def __init__(self, ix: Any, **kwargs: Any):
        super().__init__(ix, **kwargs)
        self.pool = TermPool()  # type: ignore[assignment]  # stands in for Whoosh's pool
        self.counted = [  # fields are not hashable
            (field, _counting(field.index, field.format.field_boost))
            for _, field in self.schema.items()
            if type(field.format) is Frequency
        ]

    def add_document(self, **fields: Any) -> None:
        """Whoosh's add_document, with the word fields counting a list of
        words directly. The fields' own ``index`` is back before anything
        can pickle the schema (a table of contents holds it)."""
        for field, index in self.counted:
            field.index = index
        try:
            super().add_document(**fields)
        finally:
            for field, _ in self.counted:
                del field.index

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        self._write_postings(lengths)
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()

    def _write_postings(self, lengths: Any) -> None:
        """What ``FieldWriter.add_postings`` does with the pool's sorted
        postings, term by term."""
        pool: TermPool = self.pool  # type: ignore[assignment]  # set in __init__
        values = [b"" if v is None else v for v in pool.values]  # in number order
        fw = self.fieldwriter
        field = None
        doc_lengths: list = []
        for fieldname, text in sorted(pool.terms):
            if fieldname != field:
                if field is not None:
                    fw.finish_field()
                field = fieldname
                fw.start_field(fieldname, self.schema[fieldname])
                doc_lengths = self._field_lengths(lengths, fieldname)
            docnums, weights, numbers = pool.terms[(fieldname, text)]
            fw.start_term(text)
            for docnum, weight, number in zip(docnums, weights, numbers, strict=True):
                fw.add(docnum, weight, values[number], doc_lengths[docnum])
            fw.finish_term()
        if field is not None:
            fw.finish_field()

    def _field_lengths(self, lengths: Any, fieldname: str) -> list:
        """Each document's length in ``fieldname`` (0 without length stats)."""
        if lengths is None:
            return [0] * self.docnum
        get = lengths.doc_field_length_reader(fieldname)
        return [get(docnum) for docnum in range(self.docnum)]


def _counting(index: Callable, field_boost: float) -> Callable:
    """A word field's ``index`` that takes a list of words as Whoosh's
    ``Frequency.word_values`` would (token boosts 1.0, summed as floats)."""

    def index_words(value: Any, **kwargs: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, list) or kwargs:
            return index(value, **kwargs)
        return [
            (word.encode("utf-8"), freq, float(freq) * field_boost, pack_uint(freq))
            for word, freq in Counter(value).items()
        ]

    return index_words
