"""Date and column filters, sort by date, and facet counts (library)."""

import pytest

from indexer import QueryError, search
from indexer.search.facets import Filters, parse_filters

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
MENGLA = "2022-03-15-mengla-changlang-shifandai.txt"
JINGHONG = "2022-05-20-jinghong-jiceng-zhili.txt"


def test_facets_count_years_and_columns(search_index):
    page = search(search_index, "边疆党建长廊")
    assert page.facets == {
        "year": [("2022", 2), ("2021", 1)],
        "column": [("工作动态", 2), ("基层党建", 1)],
        "place": [("勐海县", 1), ("勐腊县", 1), ("景洪市", 1)],
    }


def test_place_filter_keeps_articles_naming_the_county_or_its_towns(search_index):
    page = search(search_index, "党建", filters=parse_filters(place="勐海县"))
    ids = {h.id for h in page.hits}
    assert SEED in ids  # 勐海县 in the text
    assert "2020-12-01-daluo-qiangbian-gufang-gbk.txt" in ids  # 打洛镇 is in 勐海县
    assert MENGLA not in ids and JINGHONG not in ids
    assert page.facets["place"][0] == ("勐海县", page.total)
    assert search(search_index, "党建", filters=Filters(place="昆明市")).total == 0


def test_date_range_filter(search_index):
    page = search(search_index, "边疆党建长廊", filters=parse_filters("2022-01-01", "2022-04-30"))
    assert [h.id for h in page.hits] == [MENGLA]
    assert page.total == 1
    assert page.facets["year"] == [("2022", 1)]


def test_column_filter(search_index):
    page = search(search_index, "边疆党建长廊", filters=parse_filters(column="工作动态"))
    assert sorted(h.id for h in page.hits) == sorted([SEED, JINGHONG])
    assert search(search_index, "边疆党建长廊", filters=Filters(column="无此栏目")).total == 0


def test_sort_by_date_puts_newest_first(search_index):
    page = search(search_index, "边疆党建长廊", filters=parse_filters(sort="date"))
    assert [h.id for h in page.hits] == [JINGHONG, MENGLA, SEED]
    relevance = search(search_index, "边疆党建长廊")
    assert [h.id for h in relevance.hits][-1] == JINGHONG  # body only: last by relevance


@pytest.mark.parametrize(
    "args,message",
    [
        (("2021/10/01", None, None, None), "日期（from）格式应为 YYYY-MM-DD"),
        ((None, "2021-13-01", None, None), "日期（to）格式应为 YYYY-MM-DD"),
        (("2022-01-01", "2021-01-01", None, None), "起始日期（from）晚于结束日期（to）"),
        ((None, None, None, "popular"), "排序方式（sort）只能是 relevance 或 date"),
    ],
)
def test_bad_filters_are_refused_with_a_message(args, message):
    with pytest.raises(QueryError, match=message.replace("（", "（").replace("(", r"\(")):
        parse_filters(*args)


def test_related_articles_share_the_article_s_key_words(search_index):
    from indexer import article_view

    seed = article_view(search_index, SEED)
    # the stored words of its title and lead (边疆党建长廊, 边疆, 乡村振兴, 党建 …);
    # banzhang-5g shares none of them
    assert [h.id for h in seed.related] == [
        "2023-01-08-daluo-cunzhai-xinmao.txt",
        "2020-12-01-daluo-qiangbian-gufang-gbk.txt",
        MENGLA,
        "2022-05-20-jinghong-jiceng-zhili.txt",
    ]
    assert SEED not in [h.id for h in seed.related]
    assert 0 < len(seed.related) <= 5
    assert [h.score for h in seed.related] == sorted((h.score for h in seed.related), reverse=True)
    assert str(seed.related[0].title_html) == seed.related[0].title  # escaped plain title
