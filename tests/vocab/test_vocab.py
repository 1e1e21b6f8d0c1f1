"""The vocabulary behind pinyin search, "did you mean" and suggestions
(indexer/vocab/), written from a real index of a small corpus."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from indexer.index.build import reindex
from indexer.index.schema import make_schema
from indexer.index.store import current_generation
from indexer.search.suggest import SUGGESTIONS
from indexer.vocab import build as vocab_build
from indexer.vocab.build import write_vocabulary
from indexer.vocab.lookup import Vocabulary
from indexer.vocab.table import VOCAB_FILE, Table


def article(date: str, title: str, *paragraphs: str) -> str:
    """An article in the site's scraped text format (see tests/fixtures/corpus)."""
    return "\n\n".join(
        [
            "今天是:\n工作动态",
            title,
            f"来源 :西双版纳先锋 访问次数 : 发布时间 :{date}",
            *paragraphs,
            "来源:西双版纳先锋\n",
        ]
    )


FIRST_CORPUS = {
    "a1.txt": article(
        "2021-10-01",
        "勐海县推进党建长廊建设",
        "勐海县坚持党建引领,推进党建长廊建设,抓党建促强边固防。",
        "三抓三促工作扎实推进,党建工作取得实效。",
    ),
    "a2.txt": article(
        "2022-03-15",
        "勐腊县党建引领乡村振兴",
        "勐腊县以党建引领乡村振兴,持续推进党建长廊建设,强边固防成效明显。",
        "村里新修文化长廊,党建工作融入产业发展,普洱茶远销海外。",
    ),
    "a3.txt": article(
        "2022-05-20",
        "景洪市召开三抓三促工作推进会",
        "景洪市召开三抓三促工作推进会,要求加强党建工作,落实强边固防责任。",
        "会议要求建好文化长廊,GDP 2021年同比增长。",
    ),
    "a4.txt": article(
        "2023-01-08",
        "打洛镇村寨新貌",
        "勐海县打洛镇把党建工作融入产业发展,村寨长廊整洁美观,党建引领作用明显。",
    ),
    "a5.txt": article(
        "2023-06-30",
        "基层治理工作推进会",
        "会议强调,要以党建引领基层治理,持续推进乡村振兴,党建工作要落到实处。",
    ),
}
# Added by the second reindex: words the first generation does not have.
NEW_ARTICLE = article(
    "2024-02-01",
    "曼短村发展橡胶产业",
    "曼短村发展橡胶产业,党建引领群众增收。",
)


@dataclass
class Built:
    first: Path  # vocabulary folder of the first generation
    second: Path  # of the second, written with the first as previous
    first_generation: Path
    second_generation: Path
    computed_first: list[str]  # words whose pinyin each write computed
    computed_second: list[str]


@contextmanager
def whoosh_reader(generation: Path) -> Iterator:
    """A reader on a generation's Whoosh index, opened as indexer/reader.py does."""
    with FileIndex(FileStorage(str(generation), readonly=True)).reader() as reader:
        yield reader


def counting_pinyin(computed: list[str]):
    """vocab_build._word_pinyin, recording each word it is asked for."""
    real = vocab_build._word_pinyin  # the module's own, even while patched (see built)

    def count(word: str) -> tuple[str, str]:
        computed.append(word)
        return real(word)

    return count


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """Two generations of a real index (the second adds one article) and a
    vocabulary written for each, counting the words whose pinyin was computed."""
    root = tmp_path_factory.mktemp("vocab")
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    for name, text in FIRST_CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    reindex(corpus, index)
    first_generation = index / current_generation(index)
    (corpus / "a6.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    reindex(corpus, index)
    second_generation = index / current_generation(index)
    assert first_generation != second_generation

    first, second = root / "v1", root / "v2"
    first.mkdir()
    second.mkdir()
    computed_first: list[str] = []
    computed_second: list[str] = []
    count_first, count_second = counting_pinyin(computed_first), counting_pinyin(computed_second)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(vocab_build, "_word_pinyin", count_first)
        with whoosh_reader(first_generation) as reader:
            write_vocabulary(reader, first)
        mp.setattr(vocab_build, "_word_pinyin", count_second)
        with whoosh_reader(second_generation) as reader:
            write_vocabulary(reader, second, previous=first)
    return Built(
        first, second, first_generation, second_generation, computed_first, computed_second
    )


@pytest.fixture(scope="module")
def voc(built) -> Vocabulary:
    return Vocabulary.load(built.second)


def words_of(folder: Path) -> list[str]:
    """The words column of a vocabulary file (its second line)."""
    return (folder / VOCAB_FILE).read_text(encoding="utf-8").split("\n")[1].split("\t")


def small_vocabulary(frequencies: dict[str, int]) -> Vocabulary:
    """A vocabulary of the given words and document frequencies, built as
    write_vocabulary builds one, for cases the small corpus cannot show."""
    words = sorted(frequencies)
    spoken = [vocab_build._word_pinyin(w) for w in words]
    df = [frequencies[w] for w in words]
    return Vocabulary(Table.build(words, df, spoken, vocab_build._char_readings()))


# --- what goes in ---------------------------------------------------------------


def test_the_vocabulary_holds_the_index_words(built, voc):
    words = words_of(built.second)
    assert words == sorted(words) and len(words) == len(voc) > 10
    assert voc.frequency("党建") >= 4
    assert voc.frequency("党建长廊") >= 2 and voc.frequency("强边固防") >= 2
    assert voc.frequency("新貌") >= 1, "a word of a title is kept even if rare"
    assert voc.frequency("普洱茶") == 0, "a body word of one article is noise"
    assert voc.frequency("不存在的词") == 0
    assert all(any("\u4e00" <= c <= "\u9fff" for c in w) for w in words), "no pure ASCII terms"
    assert all(2 <= len(w) <= 12 for w in words)


def test_writing_is_deterministic(built, tmp_path):
    with whoosh_reader(built.second_generation) as reader:
        write_vocabulary(reader, tmp_path)
    assert (tmp_path / VOCAB_FILE).read_bytes() == (built.second / VOCAB_FILE).read_bytes()
    assert not list(tmp_path.glob("*.tmp"))


def test_pinyin_of_the_previous_generation_is_reused(built):
    first, second = set(words_of(built.first)), set(words_of(built.second))
    assert sorted(built.computed_first) == sorted(first)
    assert second - first, "the new article brings new words"
    assert sorted(built.computed_second) == sorted(second - first)


def test_a_segment_is_counted_once(built, tmp_path, monkeypatch):
    """Each Whoosh segment's counts are kept beside the generation: writing
    again with them walks no term list, and gives the same file (the
    character readings come from the previous file too)."""
    for cache in built.second.glob("vocab-seg-*.npz"):
        os.link(cache, tmp_path / cache.name)
    stale = tmp_path / "vocab-seg-merged_away.npz"
    stale.write_bytes(b"")

    def walk(leaf, field):
        raise AssertionError(f"walked the {field} terms of a counted segment")

    def readings():
        raise AssertionError("computed the character readings again")

    monkeypatch.setattr(vocab_build, "_field_terms", walk)
    monkeypatch.setattr(vocab_build, "_char_readings", readings)
    with whoosh_reader(built.second_generation) as reader:
        write_vocabulary(reader, tmp_path, previous=built.second)
    assert (tmp_path / VOCAB_FILE).read_bytes() == (built.second / VOCAB_FILE).read_bytes()
    assert not stale.exists()


def test_a_hard_linked_vocabulary_is_replaced_not_written_through(built, tmp_path):
    """A new generation starts with hard links to the previous one's files."""
    before = (built.first / VOCAB_FILE).read_bytes()
    os.link(built.first / VOCAB_FILE, tmp_path / VOCAB_FILE)
    with whoosh_reader(built.second_generation) as reader:
        write_vocabulary(reader, tmp_path, previous=built.first)
    assert (built.first / VOCAB_FILE).read_bytes() == before
    assert (tmp_path / VOCAB_FILE).read_bytes() == (built.second / VOCAB_FILE).read_bytes()


# --- pinyin ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["dangjian", "dang jian", "Dang'Jian", "DANG’JIAN", " dangjian "])
def test_pinyin_finds_the_word(voc, typed):
    assert voc.from_pinyin(typed)[0] == "党建"


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("qiangbiangufang", "强边固防"),
        ("sanzhuasancu", "三抓三促"),
        ("szsc", "三抓三促"),  # initials: s(an) z(hua) s(an) c(u)
        ("qbgf", "强边固防"),
        ("dangjianchanglang", "党建长廊"),
        ("dangjianyinling", "党建引领"),
    ],
)
def test_pinyin_and_initials(voc, typed, word):
    assert voc.from_pinyin(typed)[0] == word


def test_pinyin_of_consecutive_words(voc):
    assert voc.from_pinyin("qiangbiangufangsanzhuasancu") == ["强边固防三抓三促"]


def test_the_beginning_of_a_word_when_nothing_else_matches():
    v = small_vocabulary({"西双版纳州": 90, "强边固防": 40, "党建": 70})
    assert v.from_pinyin("xsbn") == ["西双版纳州"]  # initials begin xsbnz
    assert v.from_pinyin("xishuangbanna") == ["西双版纳州"]
    assert v.from_pinyin("qiangbiangu") == ["强边固防"]
    assert v.from_pinyin("dan") == []  # three letters begin too many words


def test_two_initials_only_when_nothing_else_matches(voc):
    assert voc.from_pinyin("dj")[0] == "党建"
    assert voc.from_pinyin("dangjian", limit=1) == ["党建"]


@pytest.mark.parametrize("typed", ["hello123", "hello", "", "   ", "党建", "2021", "x" * 65, "d"])
def test_what_is_not_pinyin_gives_nothing(voc, typed):
    assert voc.from_pinyin(typed) == []


def test_pinyin_with_v_for_u_umlaut():
    v = small_vocabulary({"绿色": 5, "路色": 1})
    assert v.from_pinyin("lvse") == ["绿色"]
    assert v.from_pinyin("lüse") == ["绿色"]


def test_pinyin_ranks_by_frequency():
    v = small_vocabulary({"实施": 50, "事实": 80, "实时": 3})
    assert v.from_pinyin("shishi") == ["事实", "实施", "实时"]
    assert v.from_pinyin("shishi", limit=2) == ["事实", "实施"]


# --- corrections ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("党见长廊", "党建长廊"),  # 见 for 建: same sound (长 read zhang in 见长)
        ("强边固访", "强边固防"),
        ("勐海县党见长廊", "勐海县党建长廊"),
        ("党见长廊 强边固访", "党建长廊 强边固防"),
        ("gdp 党见长廊", "gdp 党建长廊"),
    ],
)
def test_correct(voc, typed, meant):
    assert voc.correct(typed) == meant


@pytest.mark.parametrize("typed", ["勐海县党建", "党建长廊", "党建", "gdp", "", "完全陌生"])
def test_nothing_to_correct(voc, typed):
    assert voc.correct(typed) is None


def test_a_substitution_is_found_when_the_sound_differs():
    v = small_vocabulary({"边疆党建长廊": 20, "边疆": 30, "党建": 50, "勐海": 40, "勐海县": 30})
    assert v.correct("边疆党建长郎") == "边疆党建长廊"  # homophone
    assert v.correct("边疆党建长廓") == "边疆党建长廊"  # 廓 looks like 廊
    assert v.correct("勐海悬") == "勐海县"


def test_known_words_are_not_corrected_away():
    v = small_vocabulary(
        {"会议": 100, "召开": 80, "会议室": 50, "情况": 90, "情况表": 3, "强边固防": 10}
    )
    assert v.correct("会议召开") is None  # not 会议室开: 召 is in 召开
    assert v.correct("情况强边固访") == "情况强边固防"  # the longer correction wins


def test_homophones_must_sound_alike_syllable_by_syllable():
    v = small_vocabulary({"方案": 100})  # fang an, spelled fangan like 反感 (fan gan)
    assert v.correct("反感") is None


def test_a_rare_known_word_yields_to_a_much_more_frequent_homophone():
    v = small_vocabulary({"公示": 100, "公式": 3, "公事": 30})
    assert v.correct("公式") == "公示"
    assert v.correct("公事") is None  # 30 * 5 > 100


# --- suggestions ------------------------------------------------------------------


def test_complete_chinese(voc):
    found = voc.complete("党建", SUGGESTIONS)
    assert {"党建长廊", "党建引领"} <= set(found)
    assert "党建" not in found and all(w.startswith("党建") for w in found)
    frequencies = [voc.frequency(w) for w in found]
    assert frequencies == sorted(frequencies, reverse=True)


def test_complete_pinyin_and_initials(voc):
    assert voc.complete("dangj", SUGGESTIONS)[0].startswith("党建")
    assert "党建长廊" in voc.complete("dangjianc", SUGGESTIONS)
    assert voc.complete("qbg", SUGGESTIONS) == ["强边固防"]
    assert "三抓三促" in voc.complete("szs", SUGGESTIONS)
    assert voc.complete("Dang Jian", SUGGESTIONS)[0] == "党建"


def test_complete_limits_and_ranks():
    v = small_vocabulary({"党建": 9, "党员": 50, "党委": 20, "党组织": 20, "党中央": 5})
    assert v.complete("党", SUGGESTIONS) == ["党员", "党委", "党组织", "党建", "党中央"]
    assert v.complete("党", limit=2) == ["党员", "党委"]
    assert v.complete("d", limit=3) == ["党员", "党委", "党组织"]
    assert v.complete("党", limit=0) == []
    assert v.complete("  ", SUGGESTIONS) == []
    assert v.complete("国", SUGGESTIONS) == []


# --- a missing, damaged or empty vocabulary ---------------------------------------


def assert_empty(v: Vocabulary) -> None:
    assert len(v) == 0
    assert v.complete("党建", SUGGESTIONS) == [] and v.complete("dang", SUGGESTIONS) == []
    assert v.from_pinyin("dangjian") == []
    assert v.correct("党见长廊") is None
    assert v.frequency("党建") == 0


def test_a_missing_file_gives_an_empty_vocabulary(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="indexer.vocab.lookup"):
        assert_empty(Vocabulary.load(tmp_path))
    assert "missing" in caplog.text


def damaged_files(good: bytes) -> list[bytes]:
    lines = good.split(b"\n")
    return [
        b"",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        b"not a vocabulary\n",
        b"\n".join(lines[:-3]) + b"\n",  # cut short
        good[: len(good) // 2],
        good.replace(b"\t", b" ", 3),
        good.replace(lines[2], lines[2].replace(b"\t", b"\tx", 1)),  # not a number
        good.replace(lines[4], lines[4] + b"\t999999"),  # a word id out of range
        good.replace(lines[1], b"\t".join(reversed(lines[1].split(b"\t")))),  # unsorted
        good[:-1] + "党".encode()[:2] + b"\n",  # cut inside a character
    ]


@pytest.mark.parametrize("case", range(10))
def test_a_damaged_file_gives_an_empty_vocabulary_and_a_warning(built, tmp_path, caplog, case):
    data = damaged_files((built.second / VOCAB_FILE).read_bytes())[case]
    (tmp_path / VOCAB_FILE).write_bytes(data)
    with caplog.at_level(logging.WARNING, logger="indexer.vocab.lookup"):
        assert_empty(Vocabulary.load(tmp_path))
    assert "unusable" in caplog.text


def test_a_damaged_previous_file_is_not_reused(built, tmp_path):
    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / VOCAB_FILE).write_bytes(b"garbage\n")
    with whoosh_reader(built.second_generation) as reader:
        write_vocabulary(reader, tmp_path, previous=previous)
    assert (tmp_path / VOCAB_FILE).read_bytes() == (built.second / VOCAB_FILE).read_bytes()


def test_an_empty_index_gives_an_empty_vocabulary(tmp_path):
    FileStorage(str(tmp_path)).create_index(make_schema())
    with FileIndex(FileStorage(str(tmp_path), readonly=True)).reader() as reader:
        assert write_vocabulary(reader, tmp_path, previous=tmp_path / "nothing") == 0
    assert_empty(Vocabulary.load(tmp_path))


def test_the_empty_vocabulary():
    assert_empty(Vocabulary())


def test_the_vocabulary_can_move_with_its_generation(built, tmp_path):
    shutil.copytree(built.second, tmp_path / "moved")
    assert len(Vocabulary.load(tmp_path / "moved")) == len(Vocabulary.load(built.second))
