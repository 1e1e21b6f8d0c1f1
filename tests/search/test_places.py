"""The place facet's gazetteer: which 县市 an article names."""

import pytest

from indexer import open_index, places, reindex, search
from indexer.normalize import key_text
from indexer.places import gazetteer, parse_gazetteer
from indexer.search.facets import parse_filters


def mask_names(text: str) -> list[str]:
    g = gazetteer()
    return g.names(g.mask(key_text(text)))


def test_shipped_gazetteer_has_the_three_counties():
    assert gazetteer().places == ("景洪市", "勐海县", "勐腊县")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("勐海县召开党建工作会议", ["勐海县"]),
        ("打洛镇边境党建", ["勐海县"]),  # a town of 勐海县
        ("景洪市、勐腊县两地联合开展", ["景洪市", "勐腊县"]),
        ("磨憨口岸党建", ["勐腊县"]),
        ("勐满镇", []),  # both 勐海县 and 勐腊县 have one: not guessed
        ("昆明市", []),
        ("勐海縣", ["勐海县"]),  # traditional characters fold like everything else
    ],
)
def test_articles_belong_to_every_county_they_name(text, expected):
    assert mask_names(text) == expected


def test_gazetteer_format_comments_and_errors():
    g = parse_gazetteer("# 注释\n甲县 甲 甲镇\n\n乙县 乙镇 # 行尾注释\n")
    assert g.places == ("甲县", "乙县")
    assert g.names(g.mask(key_text("乙镇和甲镇"))) == ["甲县", "乙县"]
    with pytest.raises(ValueError, match="listed under two places"):
        parse_gazetteer("甲县 新镇\n乙县 新镇\n")
    assert parse_gazetteer("").mask("任何文字") == 0


def test_a_changed_gazetteer_rebuilds_the_index(corpus_dir, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    reindex(corpus_dir, index_dir)
    assert not reindex(corpus_dir, index_dir).full  # nothing changed: incremental
    edited = parse_gazetteer("景洪市 景洪\n勐海县 勐海\n勐腊县 勐腊\n打洛镇 打洛\n")
    monkeypatch.setattr(places, "gazetteer", lambda: edited)
    report = reindex(corpus_dir, index_dir)
    assert report.full
    with open_index(index_dir) as ix:
        assert ix.generation.place_names == ["景洪市", "勐海县", "勐腊县", "打洛镇"]
        page = search(ix, "党建", filters=parse_filters(place="打洛镇"))
    assert {h.id for h in page.hits} == {
        "2020-12-01-daluo-qiangbian-gufang-gbk.txt",
        "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt",  # names 打洛镇 too
        "2023-01-08-daluo-cunzhai-xinmao.txt",
    }
