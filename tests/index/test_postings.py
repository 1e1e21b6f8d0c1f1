import random

from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from indexer.index.postings import TermPoolWriter
from indexer.index.schema import make_schema

WORDS = ["党建", "边疆", "长廊", "勐海县", "基层", "组织", "服务", "发展", "的", "2021"]


def documents(count: int) -> list[dict]:
    rng = random.Random(7)
    docs = []
    for i in range(count):
        title = rng.choices(WORDS, k=rng.randint(0, 4))
        body = rng.choices(WORDS, k=rng.randint(0, 60))
        docs.append(
            dict(
                id=f"{i}.txt",
                file=f"{i}.txt",
                cid=i,
                title=title,
                _stored_title="".join(title),
                body=body,
                _stored_body="".join(body),
                column=rng.choice(["工作动态", "基层党建", ""]),
                places=rng.randint(0, 255),
                keyterms=[[w, 1] for w in title],
                date=f"2021-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            )
        )
    return docs


def segment_files(tmp_path, name: str, writer_class) -> dict[str, bytes]:
    folder = tmp_path / name
    folder.mkdir()
    ix = FileStorage(str(folder)).create_index(make_schema())
    # a tiny pool: Whoosh's writer spills sorted runs to disk and merges them
    writer = writer_class(ix, limitmb=0.01, compound=False, codec=W3Codec(blocklimit=16))
    for doc in documents(300):
        writer.add_document(**doc)
    writer.commit()
    # the segment's name is random: files are compared by what follows it
    return {p.name.split(".", 1)[1]: p.read_bytes() for p in folder.glob("MAIN_*.*")}


def test_term_pool_writes_the_same_segment_as_whoosh(tmp_path):
    """Postings kept by term instead of in Whoosh's pool (which here spills
    and merges runs): the same segment files, byte for byte."""
    whoosh = segment_files(tmp_path, "whoosh", SegmentWriter)
    ours = segment_files(tmp_path, "ours", TermPoolWriter)
    assert (
        sorted(ours)
        == sorted(whoosh)
        == [
            "_body_len.col",
            "_stored.col",
            "_title_len.col",
            "cid.col",
            "column.col",
            "date.col",
            "places.col",
            "pst",
            "trm",
        ]
    )
    assert [name for name in whoosh if ours[name] != whoosh[name]] == []
