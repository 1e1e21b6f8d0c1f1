"""Hostile input: whatever a visitor types or puts in a URL, the answer is
results, a clear 400 or a 404. Never a 500, never markup that came from the
input, never the content of a file outside the corpus.

Generated inputs mix what breaks parsers (quotes, ``-``, ``OR``, ``title:``,
Lucene's ``*?~^``, brackets), what breaks encoders (emoji, lone surrogates,
NUL, control characters, invalid UTF-8 in URLs) and what breaks pages
(``<script>``), around words that do occur in the fixture corpus so that
hits, and their highlighting, are exercised too.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import close_app, without_own_scripts
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

import indexer
from indexer.errors import QueryError
from indexer.index.check import check_index
from indexer.index.reader import Generation
from indexer.models import SearchPage
from indexer.search.query import MAX_QUERY_CHARS, MAX_TERMS, ParsedQuery, parse_query
from indexer.search.suggest import SUGGESTIONS
from search_app import create_app

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
WORDS = ["边疆党建长廊", "党建", "勐海县", "三抓三促", "强边固防", "中缅边境", "打洛", "班章村"]
WORDS += ["5G", "GDP 2021", "基层治理", "西双版纳先锋"]
OPERATORS = ['"', " ", "-", " OR ", "OR", "title:", "标题：", "TITLE:", "*", "?", "~", "^"]
OPERATORS += ["~2", "^3", "(", ")", "[", "]", "{", "}", ":", "\\", "/", "&&", "||", "!", "+"]
OPERATORS += ["“", "”", "「", "」", "＂", "－", "：", "　", "。", "，"]
MARKUP = ["<script>alert(1)</script>", "<ScRiPt src=//x>", "<img src=x onerror=alert(1)>"]
MARKUP += ["<mark>", "</mark>", "&lt;", "&amp;", "<!--", "]]>", "<svg onload=alert(1)>"]
ODD = ["😀", "👨‍👩‍👧", "\ud800", "\udfff", "\x00", "\x01", "\x02", "\x1b[31m", "\n", "\r\n"]
ODD += ["\t", "\u200b", "\u202e", "\ufeff", "\u0301", "ﬁ", "Ⅻ", "\U0010ffff", "\x7f", "\x85"]
HOSTILE_TAGS = re.compile(r"<\s*/?\s*(script|img|svg|iframe)", re.IGNORECASE)


def hostile_tags(body: str) -> re.Match | None:
    return HOSTILE_TAGS.search(without_own_scripts(body))


pieces = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(OPERATORS),
    st.sampled_from(MARKUP),
    st.sampled_from(ODD),
    st.text(max_size=6),
    st.characters(categories=["Cs", "Cc", "Cf", "Zs", "Lo", "So"]),
)
# Queries up to ~300 characters, so that both sides of the 200-character
# limit are reached: corpus words with query syntax (these find articles, so
# highlighting runs), anything at all, and long runs of anything.
queries = st.one_of(
    st.lists(st.sampled_from(WORDS + OPERATORS), min_size=1, max_size=12).map("".join),
    st.lists(pieces, max_size=30).map("".join),
    st.lists(pieces, min_size=40, max_size=150).map("".join),
).map(lambda q: q[:300])
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),
    st.sampled_from(["", " ", "1", "0", "-0", "007", "999999999", "1000000000", "1e9", "0x10"]),
    st.sampled_from(["+1", "1.0", "1_000", "２", "٣", "NaN", "inf", "-inf", "\x00", "%"]),
    st.text(max_size=12),
)


def url_quote(value: str) -> str:
    """Percent-encode ``value`` as a browser would, lone surrogates included
    (they become invalid UTF-8, which the server must cope with too)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def body_of(response) -> str:
    return response.get_data().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def web(index_dir: Path, session_corpus_dir: Path) -> Iterator[FlaskClient]:
    """One app over the session index for every generated request (hypothesis
    runs many examples per test; the app is stateless between requests)."""
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "CORPUS_DIR": str(session_corpus_dir)}
    )
    yield app.test_client()
    close_app(app)


# The query language


@settings(deadline=None, max_examples=300)
@given(q=st.one_of(queries, st.text(max_size=400)))
def test_parse_query_gives_a_query_or_a_query_error(q: str):
    try:
        parsed = parse_query(q)
    except QueryError as e:
        assert str(e).startswith(("查询太长", "查询的词太多"))
        return
    assert isinstance(parsed, ParsedQuery)
    assert len(parsed.positives) <= MAX_TERMS


@settings(deadline=None, max_examples=200)
@given(q=queries)
def test_search_gives_a_page_whose_only_markup_is_mark(search_index, q: str):
    try:
        page = indexer.search(search_index, q, per_page=100)
    except QueryError as e:
        # Only the limits refuse a query, and only past them (NFKC may
        # lengthen a query: "ﬁ" is "fi").
        if str(e).startswith("查询太长"):
            nfkc = unicodedata.normalize("NFKC", q.encode("utf-8", "replace").decode())
            assert len(nfkc) > MAX_QUERY_CHARS, (q, str(e))
        else:
            assert str(e) == f"查询的词太多：最多 {MAX_TERMS} 个。" and len(q) > MAX_TERMS
        return
    assert isinstance(page, SearchPage)
    assert page.total == len(page.hits)
    assert len({hit.id for hit in page.hits}) == len(page.hits)
    for hit in page.hits:
        for markup in (str(hit.title_html), str(hit.snippet_html)):
            assert "<" not in re.sub(r"</?mark>", "", markup), markup
        assert html.unescape(re.sub(r"</?mark>", "", str(hit.title_html))) == hit.title


# The web app


@settings(deadline=None, max_examples=150)
@given(
    q=st.one_of(queries, st.none()),
    page=st.one_of(numbers, st.none()),
    per_page=st.one_of(numbers, st.none()),
)
def test_search_pages_answer_200_or_400(web: FlaskClient, q, page, per_page):
    params = {"q": q, "page": page, "per_page": per_page}
    query = "&".join(f"{k}={url_quote(v)}" for k, v in params.items() if v is not None)
    for path in ("/search", "/api/search"):
        response = web.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query)
        body = body_of(response)
        assert not hostile_tags(body), (path, query)
        if path == "/api/search":
            assert response.is_json
            assert "<" not in body and ">" not in body  # JSON escapes them: no markup at all
            if response.status_code == 400:
                assert set(response.get_json()) == {"error"}


@settings(deadline=None, max_examples=150)
@given(q=st.one_of(queries, st.text(max_size=400)), limit=st.one_of(numbers, st.none()))
def test_suggest_answers_200_or_400_with_data_only(web: FlaskClient, q: str, limit):
    query = f"q={url_quote(q)}" + (f"&limit={url_quote(limit)}" if limit is not None else "")
    response = web.get(f"/api/suggest?{query}")
    assert response.status_code in (200, 400), query
    assert response.is_json
    body = body_of(response)
    assert "<" not in body and ">" not in body
    if response.status_code == 200:
        suggestions = response.get_json()["suggestions"]
        assert len(suggestions) <= 20
        assert all(s["kind"] in ("word", "pinyin", "title") for s in suggestions)


@settings(deadline=None, max_examples=300)
@given(q=st.one_of(queries, st.text(max_size=200)))
def test_vocabulary_answers_anything(search_index, q: str):
    vocabulary = search_index.generation.vocabulary
    assert isinstance(vocabulary.complete(q, SUGGESTIONS), list)
    assert isinstance(vocabulary.from_pinyin(q), list)
    corrected = vocabulary.correct(q)
    assert corrected is None or (isinstance(corrected, str) and corrected != q)


@settings(deadline=None, max_examples=100)
@given(
    article_id=st.one_of(queries, st.sampled_from([SEED, f"./{SEED}", f"x/../{SEED}"])), q=queries
)
def test_article_pages_answer_200_or_404(web: FlaskClient, article_id: str, q: str):
    path = url_quote(article_id).replace("%2F", "/") + "?q=" + url_quote(q)
    response = web.get("/article/" + path, follow_redirects=True)  # "//" -> 308
    assert response.status_code in (200, 404), path
    assert not hostile_tags(body_of(response)), path
    if response.status_code == 200:
        assert article_id == SEED
    api = web.get("/api/article/" + path, follow_redirects=True)
    assert (api.status_code, api.is_json) == (response.status_code, True), path
    assert "<" not in body_of(api)  # markup only escaped, inside JSON strings


@pytest.mark.parametrize(
    "q",
    [
        pytest.param("边" * 20_000, id="20000-characters"),
        pytest.param(" OR ".join(["党建"] * 5_000), id="5000-ORs"),
        pytest.param("-" * 5_000, id="5000-minus-signs"),
        pytest.param('"' * 5_000, id="5000-quotes"),
        pytest.param("title:" * 5_000, id="5000-title-prefixes"),
    ],
)
def test_huge_queries_are_refused_before_touching_the_index(web: FlaskClient, monkeypatch, q):
    def borrow(self):
        raise AssertionError("a refused query must not search")

    monkeypatch.setattr(Generation, "borrow", borrow)
    length = len(q)
    message = f"查询太长：最多 {MAX_QUERY_CHARS} 个字符，当前 {length} 个。"
    api = web.get("/api/search", query_string={"q": q})
    assert (api.status_code, api.get_json()) == (400, {"error": message})
    page = web.get("/search", query_string={"q": q})
    assert page.status_code == 400
    assert f'<p class="notice notice-error" role="alert">{message}</p>' in body_of(page)


def test_too_many_parts_are_refused_with_a_message(web: FlaskClient):
    q = " ".join(["党建"] * (MAX_TERMS + 1))
    api = web.get("/api/search", query_string={"q": q})
    assert (api.status_code, api.get_json()) == (400, {"error": "查询的词太多：最多 16 个。"})


# Paths: the article page serves articles from the index, never files

SECRET = "外部机密文件标记"


@pytest.fixture
def leaky_corpus(corpus_dir: Path, tmp_path: Path) -> Iterator[tuple[Path, Path, FlaskClient]]:
    """The fixture corpus plus a symlinked file and a symlinked folder that
    lead outside it, to an article holding SECRET; indexed and served."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(
        f"今天是:\n工作动态\n\n{SECRET}\n\n来源 :西双版纳先锋 访问次数 : 发布时间 :2024-01-01\n\n"
        f"{SECRET}不应出现在搜索结果中。\n",
        encoding="utf-8",
    )
    (corpus_dir / "leak.txt").symlink_to(secret)
    (corpus_dir / "leakdir").symlink_to(outside, target_is_directory=True)
    index = tmp_path / "index"
    report = indexer.reindex(corpus_dir, index)
    assert not [name for name in report.added if "leak" in name]
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus_dir)})
    yield corpus_dir, secret, app.test_client()
    close_app(app)


def test_symlink_out_of_the_corpus_is_not_indexed(leaky_corpus):
    corpus, _, client = leaky_corpus
    for q in (SECRET, "不应出现在搜索结果中"):
        found = client.get("/api/search", query_string={"q": q}).get_json()
        assert SECRET not in str(found["hits"])
        assert not [h for h in found["hits"] if "leak" in h["id"]]
    assert check_index(corpus, corpus.parent / "index").ok  # check skips it the same way


def traversal_urls(secret: Path) -> list[str]:
    absolute = str(secret)
    return [
        "/article/leak.txt",
        "/article/leakdir/secret.txt",
        "/article/../outside/secret.txt",
        "/article/%2e%2e/outside/secret.txt",
        "/article/..%2foutside%2fsecret.txt",
        "/article/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/article/%252e%252e%252foutside%252fsecret.txt",
        f"/article/{SEED.replace('2021', '../corpus/2021')}",
        f"/article{absolute}",
        f"/article/{quote(absolute, safe='')}",
        "/article//etc/passwd",
        "/article/leak.txt%00",
        "/article/leak.txt%00.html",
        f"/article/{SEED}%00",
        "/article/..\\outside\\secret.txt",
        "/article/..%5coutside%5csecret.txt",
        "/article/C:%5cWindows%5cwin.ini",
        "/article/file:%2f%2f%2fetc%2fpasswd",
        "/article/~/.ssh/id_rsa",
    ]


def test_paths_out_of_the_corpus_are_not_found(leaky_corpus):
    _, secret, client = leaky_corpus
    for url in traversal_urls(secret):
        response = client.get(url, follow_redirects=True)
        body = body_of(response)
        assert response.status_code == 404, url
        assert SECRET not in body and "root:" not in body, url
