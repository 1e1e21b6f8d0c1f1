"""The crawl command: --test URL, the summary, and what it says when it cannot start."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from indexer.cli import cli
from tests.ingest.crawl.fixtures import G1, G2, G3, G4, G5, NOINDEX, T1, build


def test_test_url_shows_what_would_be_extracted(site, runner, tmp_path):
    result = runner.invoke(cli, ["crawl", "--test", site.base + T1.path, "--corpus", str(tmp_path)])
    assert result.exit_code == 0, result.output
    port = site.server.server_port
    assert result.output == "\n".join(
        [
            f"url: {site.base}{T1.path}",
            "followed: True",
            "saved: True",
            "status: 200",
            "links_followed: 4",
            "noindex: False",
            "nofollow: False",
            "kind: article",
            f"file: sites/127.0.0.1_{port}{T1.path}",
            f"title: {T1.title}",
            f"date: {T1.date}",
            "column: 通知公告",
            "source: 西双版纳先锋",
            f"body_chars: {len(T1.paragraphs[0])}",
            f"attachment: 附件1：示范带建设方案.docx <{site.base}/tzgg/files/W020211105_1.docx>",
            f"attachment: 附件2：橡胶林管护办法.pdf <{site.base}/tzgg/files/W020211105_2.pdf>",
            f"attachment: 附件3：旧版申报表.doc <{site.base}/tzgg/files/W020211105_3.doc>",
            "",
        ]
    )
    assert list(tmp_path.iterdir()) == []  # writes nothing
    assert site.requests() == ["/robots.txt", T1.path]


@pytest.mark.parametrize(
    "path, expected",
    [
        (
            "/gzdt/",
            {"saved": False, "kind": "list", "reason": "a list or navigation page, not an article"},
        ),
        (NOINDEX.path, {"saved": False, "kind": "list", "reason": "noindex"}),
        ("/internal/", {"followed": False, "saved": False, "reason": "disallowed by robots.txt"}),
        ("/missing.html", {"followed": True, "saved": False, "status": 404, "reason": "HTTP 404"}),
    ],
)
def test_test_url_says_why_a_page_is_not_saved(site, runner, path, expected):
    result = runner.invoke(cli, ["crawl", "--json", "--test", site.base + path])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert {k: found[k] for k in expected} == expected


def test_crawl_prints_a_json_summary(site, runner, tmp_path):
    config = tmp_path / "sites.toml"
    config.write_text(
        f'[[site]]\nname = "fixture"\nstart_urls = ["{site.base}/"]\n'
        "delay = 0\nbackoff = 0\nmax_per_pattern = 3\n",
        "utf-8",
    )
    args = ["crawl", "--json", "--config", str(config), "--corpus", str(tmp_path / "c")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert list(report) == [
        "requested",
        "downloaded",
        "unchanged",
        "new",
        "changed",
        "removed",
        "attachments",
        "failed",
        "skipped",
        "bytes",
        "seconds",
        "unfinished",
    ]
    assert (len(report["new"]), report["requested"]) == (9, len(site.requests()))
    again = runner.invoke(cli, [*args, "--max-pages", "1"])
    assert json.loads(again.output)["unfinished"] == ["fixture"]


@pytest.mark.parametrize(
    "config, message",
    [
        (
            None,
            "nothing to crawl: give start URLs (crawl https://example.gov.cn/) or list the"
            " sites in {path} (copy sites.example.toml there and set the site's address)",
        ),
        ("[defaults]\ndelay = 1\n", "{path}: no [[site]] table; see sites.example.toml"),
        (
            '[[site]]\nname = "x"\nstart_urls = ["ftp://a"]\n',
            "{path}: site 'x': start_urls must be a list of http(s) addresses",
        ),
        (
            '[[site]]\nstart_urls = ["http://a/"]\nspeed = 3\n',
            "{path}: a [[site]]: unknown setting(s) speed",
        ),
        (
            '[[site]]\nstart_urls = ["http://a/"]\ndelay = "1s"\n',
            "{path}: a [[site]]: delay must be a number >= 0, not '1s'",
        ),
        (
            '[[site]]\nstart_urls = ["http://a/"]\ndeny = ["("]\n',
            "{path}: a [[site]]: bad deny pattern '(':"
            " missing ), unterminated subpattern at position 0",
        ),
        (
            "[[site]\n",
            "{path}: cannot read the crawl configuration:"
            " Expected ']]' at the end of an array declaration (at line 1, column 7)",
        ),
    ],
)
def test_config_problems_are_clear_errors(runner, tmp_path, config, message):
    path = tmp_path / "sites.toml"
    if config is not None:
        path.write_text(config, "utf-8")
    result = runner.invoke(cli, ["crawl", "--config", str(path), "--corpus", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == f"Error: {message.format(path=path)}\n"


def test_a_corpus_it_cannot_write_to_is_a_clear_error(runner, tmp_path):
    (tmp_path / "afile").write_text("x")
    corpus = tmp_path / "afile" / "corpus"
    result = runner.invoke(cli, ["crawl", "http://127.0.0.1:9/", "--corpus", str(corpus)])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: cannot write to {corpus}: Not a directory\n",
    )


def test_revalidate_options_say_how_many_known_pages_are_checked_again(site, runner, tmp_path):
    command = ["crawl", site.base + "/", "--json", "--delay", "0", "--corpus", str(tmp_path)]
    assert runner.invoke(cli, command).exit_code == 0
    edited = replace(G2, paragraphs=(*G2.paragraphs, "本文于11月12日更新。"))
    build(site, [G5, G4, G3, edited, G1])  # an edit no list, sitemap or feed shows
    quiet = json.loads(runner.invoke(cli, [*command, "--revalidate", "0"]).output)
    every = json.loads(runner.invoke(cli, [*command, "--revalidate-all"]).output)
    assert (quiet["changed"], every["changed"]) == ([], [site.base + G2.path])
