"""Scraped-text articles, decoding, dates and the corpus walk.

The seed is a real article from 西双版纳先锋; variants of it (other encodings,
line ends, missing header lines) are written into tmp_path by the tests.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.errors import ArticleError
from indexer.ingest.corpus import SUPPORTED_SUFFIXES, article_id, iter_corpus_files
from indexer.ingest.dates import find_date, parse_date
from indexer.ingest.decode import decode_bytes
from indexer.ingest.formats.scraped import parse_text
from indexer.ingest.load import load_file
from indexer.ingest.meta import parse_meta_line
from indexer.models import Article

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
SEED = FORMATS / "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
SEED_TITLE = (
    "【西双版纳州实施“三抓三促”强化千里边疆党建长廊】(之三)勐海县:筑牢党建根基 推动边疆发展"
)
SEED_META = "来源 :西双版纳先锋 访问次数 : 发布时间 :2021-10-01"
SEED_HEADINGS = [
    "抓党建促中心工作建强制度机制",
    "抓党建促强边固防维护边境安全",
    "抓党建促乡村振兴引领富民兴边",
    "抓党建促基层治理建设和谐边疆",
]


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_paragraphs() -> list[str]:
    """Lines 8 to 28 of the seed (编者按: … the last paragraph), blank lines left out."""
    return [line for line in seed_text().split("\n")[7:28] if line]


def seed_article(name: str) -> Article:
    return Article(
        id=name,
        title=SEED_TITLE,
        body="\n".join(seed_paragraphs()),
        date="2021-10-01",
        column="工作动态",
        source="西双版纳先锋",
        file=name,
    )


def without_line(text: str, line: str) -> str:
    assert line + "\n" in text
    return text.replace(line + "\n", "", 1)


def test_seed_article_is_parsed_whole():
    articles, failures = load_file(SEED, FORMATS)

    assert failures == []
    assert articles == [seed_article(SEED.name)]
    paragraphs = articles[0].paragraphs
    assert len(paragraphs) == 11
    assert paragraphs[0] == "编者按:"
    assert paragraphs[1].startswith("近年来,西双版纳州认真贯彻落实中央、省委决策部署")
    assert [paragraphs[i] for i in (3, 5, 7, 9)] == SEED_HEADINGS
    # The real last paragraph: not the trailing 来源 line, not the NBSP spacer.
    assert paragraphs[-1].startswith("围绕建设善治乡村,不断健全党组织领导的自治、法治、德治")
    assert paragraphs[-1].endswith("通过以点带面着力提升勐海城市基层党建整体水平。")
    assert len(paragraphs[-1]) == 925


@pytest.mark.parametrize(
    "name, encode",
    [
        # GBK has no NBSP; Notepad saves the spacer line as an ideographic space.
        ("gbk.txt", lambda t: t.replace("\xa0", "\u3000").encode("gbk")),
        ("gb18030.txt", lambda t: t.encode("gb18030")),
        ("utf8-bom.txt", lambda t: t.encode("utf-8-sig")),
        ("crlf.txt", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
        ("cr.txt", lambda t: t.replace("\n", "\r").encode("utf-8")),
        ("utf16-le-bom.txt", lambda t: t.encode("utf-16")),
        ("utf16-be-bom.txt", lambda t: ("\ufeff" + t).encode("utf-16-be")),
        ("upper-suffix.TXT", lambda t: t.encode("utf-8")),
    ],
)
def test_seed_in_other_encodings_gives_the_same_article(tmp_path, name, encode):
    path = tmp_path / name
    path.write_bytes(encode(seed_text()))

    assert load_file(path, tmp_path) == ([seed_article(name)], [])


@pytest.mark.parametrize("text", ["勐海县", "打洛镇边境党建", "西双版纳先锋"])
def test_decode_bytes_reads_short_gbk_text(text):
    # charset-normalizer alone takes these for Big5 or CP949; GB18030 goes first.
    assert decode_bytes(text.encode("gbk")) == text


def test_decode_bytes_falls_back_to_charset_detection():
    russian = "Привет, мир! Это проверка кодировки для русского текста. Западные границы и реки."
    assert decode_bytes(russian.encode("cp1251")) == russian


def test_decode_bytes_rejects_noise():
    with pytest.raises(ValueError, match="^cannot decode: not UTF-8 or GB18030$"):
        decode_bytes(_random_bytes())


def _random_bytes() -> bytes:
    """1 KB of seeded random bytes without NUL (NUL would make it "binary")."""
    return bytes(b or 1 for b in random.Random(2021).randbytes(1024))


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b" \r\n\t\n", "empty file"),
        ("\ufeff\u3000\n".encode(), "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file (not text)"),
        (bytes(range(1, 32)) * 40, "binary file (not text)"),
        (_random_bytes(), "cannot decode: not UTF-8 or GB18030"),
        ("今天是:\n".encode(), "no title found"),
        ("今天是:\n工作动态\n\n来源 :西双版纳先锋\n\n正文。\n".encode(), "no title found"),
        (
            f"今天是:\n工作动态\n\n{SEED_TITLE}\n\n{SEED_META}\n".encode(),
            "no body text (truncated?)",
        ),
    ],
    ids=["empty", "blank", "bom-and-space", "png", "control", "noise", "widget", "no-title", "cut"],
)
def test_unusable_file_is_reported_by_name(tmp_path, content, reason):
    path = tmp_path / "sub" / "broken.txt"
    path.parent.mkdir()
    path.write_bytes(content)

    with pytest.raises(ArticleError) as excinfo:
        load_file(path, tmp_path)

    assert (excinfo.value.path, excinfo.value.reason) == ("sub/broken.txt", reason)
    assert str(excinfo.value) == f"sub/broken.txt: {reason}"


def test_header_lines_may_be_missing():
    text = seed_text()
    no_widget = without_line(text, "今天是:")
    no_column = without_line(text, "工作动态")
    no_header = without_line(no_widget, "工作动态")
    seed = seed_article("a.txt")

    assert parse_text(no_widget, "a.txt") == seed
    assert parse_text(no_column, "a.txt") == replace(seed, column="")
    assert parse_text(no_header, "a.txt") == replace(seed, column="")


def test_missing_meta_line_leaves_the_date_empty():
    text = without_line(seed_text(), SEED_META)

    # The trailing "来源:西双版纳先锋" line still names the source.
    assert parse_text(text, "a.txt") == replace(seed_article("a.txt"), date=None)
    no_trailer = text.removesuffix("来源:西双版纳先锋")
    assert parse_text(no_trailer, "a.txt") == replace(seed_article("a.txt"), date=None, source="")
    no_widget_no_meta = without_line(no_trailer, "今天是:")
    assert parse_text(no_widget_no_meta, "a.txt").column == "工作动态"


@pytest.mark.parametrize(
    "meta, source, date",
    [
        ("发布时间:2021-10-1 来源:西双版纳先锋", "西双版纳先锋", "2021-10-01"),
        (
            "来源：勐海县委组织部\u3000访问次数：1024\u3000发布时间：2021年10月01日",
            "勐海县委组织部",
            "2021-10-01",
        ),
        (
            "来源 : 西双版纳先锋 访问次数 : 56 发布时间 : 2021/10/01 08:30:00",
            "西双版纳先锋",
            "2021-10-01",
        ),
        ("来源:西双版纳先锋访问次数:12发布时间:2021.10.01", "西双版纳先锋", "2021-10-01"),
        ("访问次数 : 3 发布时间 :", "西双版纳先锋", None),
        ("发布时间 :2021-13-45 来源 :", "西双版纳先锋", None),
    ],
)
def test_meta_line_variants(meta, source, date):
    text = seed_text().replace(SEED_META, meta)

    article = parse_text(text, "a.txt")

    assert (article.title, article.column, article.source, article.date) == (
        SEED_TITLE,
        "工作动态",
        source,
        date,
    )
    assert article.paragraphs == seed_paragraphs()


def test_title_wrapped_over_two_lines_is_joined():
    text = seed_text().replace("(之三)勐海县:", "(之三)\n勐海县:")

    assert parse_text(text, "a.txt").title == SEED_TITLE.replace("(之三)勐海县", "(之三) 勐海县")


@pytest.mark.parametrize(
    "line, fields",
    [
        (SEED_META, {"source": "西双版纳先锋", "date": "2021-10-01"}),
        ("来源:西双版纳先锋", {"source": "西双版纳先锋"}),
        ("访问次数 : 12", {}),
        ("作者：岩温 责任编辑：玉香", {"author": "岩温", "editor": "玉香"}),
        ("编者按:", None),
        ("近年来,勐海县来源:不明", None),
    ],
)
def test_parse_meta_line(line, fields):
    assert parse_meta_line(line) == fields


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2021-10-01", "2021-10-01"),
        ("2021-10-1", "2021-10-01"),
        ("2021/10/1", "2021-10-01"),
        ("2021.10.01", "2021-10-01"),
        ("2021年10月1日", "2021-10-01"),
        ("2021年10月01日 10:20", "2021-10-01"),
        ("2021 年 10 月 1 日", "2021-10-01"),
        ("２０２１－１０－０１", "2021-10-01"),
        ("２０２１年１０月１日", "2021-10-01"),
        ("2021-10-01 08:30:00", "2021-10-01"),
        ("2021-10-01T08:30:00+08:00", "2021-10-01"),
        ("2021-10-01T00:30:00Z", "2021-10-01"),
        ("  2020-02-29\n", "2020-02-29"),
        ("2021-02-30", None),
        ("2021-02-29", None),
        ("2021-13-01", None),
        ("2021-00-10", None),
        ("2021-10/01", None),
        ("1021-10-01", None),
        ("20211001", None),
        ("2021-10-01 来源:西双版纳先锋", None),
        ("昨天", None),
        ("", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "text, iso",
    [
        ("发布时间：2021年10月1日 10:20 来源：西双版纳先锋", "2021-10-01"),
        ("电话0691-2121234 日期 2021/2/30 或 2021/3/1", "2021-03-01"),
        ("编号202110011234", None),
    ],
)
def test_find_date(text, iso):
    assert find_date(text) == iso


def make_corpus(root: Path) -> None:
    files = [
        "2021/a.txt",
        "2021/sub/b.HTML",
        "c.jsonl",
        "d.htm",
        "README.md",
        "readme.txt",
        ".hidden.txt",
        ".git/e.txt",
        "notes.docx",
        "photo.png",
    ]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")


def test_iter_corpus_files_finds_articles_only(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    (corpus / "link-out.txt").symlink_to(outside)
    (corpus / "link-in.txt").symlink_to(corpus / "d.htm")
    (corpus / "dir-link").symlink_to(corpus / "2021", target_is_directory=True)

    found = [article_id(p, corpus) for p in iter_corpus_files(corpus)]

    assert found == ["2021/a.txt", "2021/sub/b.HTML", "c.jsonl", "d.htm", "link-in.txt"]
    assert SUPPORTED_SUFFIXES == (".txt", ".html", ".htm", ".jsonl")


def test_iter_corpus_files_needs_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        iter_corpus_files(tmp_path / "missing")


def test_article_id_is_the_relative_posix_path(tmp_path):
    assert article_id(tmp_path / "2021" / "10" / "a.txt", tmp_path) == "2021/10/a.txt"
