"""The command line, through click's runner against real folders."""

import io
import json
import sys

from indexer.cli import cli
from indexer.index.store import writer_lock
from indexer.paths import DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR
from web import default_config

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"


def test_reindex_prints_a_summary_and_the_failures(runner, corpus_dir, tmp_path):
    index = tmp_path / "index"
    result = runner.invoke(cli, ["reindex", "--corpus", str(corpus_dir), "--index", str(index)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "full rebuild: 6 added, 0 updated, 0 deleted, 0 unchanged, 1 failed; "
        "6 articles in the index ("
    )
    assert f"  added: {SEED}" in lines
    assert lines[-1] == "  failed: broken-binary.txt: binary file (not text)"


def test_reindex_json(runner, corpus_dir, tmp_path):
    index = tmp_path / "index"
    runner.invoke(cli, ["reindex", "--corpus", str(corpus_dir), "--index", str(index)])
    (corpus_dir / SEED).unlink()
    args = ["reindex", "--corpus", str(corpus_dir), "--index", str(index), "--json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["added"], report["updated"], report["deleted"]) == ([], [], [SEED])
    assert report["unchanged"] == 5
    assert report["failed"] == [{"path": "broken-binary.txt", "reason": "binary file (not text)"}]
    assert report["documents"] == 5
    assert report["full"] is False


def test_reindex_while_another_runs(runner, corpus_dir, tmp_path):
    index = tmp_path / "index"
    with writer_lock(index):
        result = runner.invoke(cli, ["reindex", "--corpus", str(corpus_dir), "--index", str(index)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: another reindex is running on {index}; try again when it finishes\n"
    )


def test_reindex_missing_corpus(runner, tmp_path):
    result = runner.invoke(
        cli, ["reindex", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "index")]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: corpus folder not found: {tmp_path / 'nope'}\n"


def test_search_text(runner, index_dir):
    result = runner.invoke(cli, ["search", "中缅边境", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1 articles (")
    assert lines[1:] == [
        "2020-12-01  2020-12-01-daluo-qiangbian-gufang-gbk.txt",
        "    勐海县打洛镇强边固防工作纪实",
    ]


def test_search_json(runner, index_dir):
    result = runner.invoke(cli, ["search", "中缅边境", "--index", str(index_dir), "--json"])
    data = json.loads(result.output)
    assert data["total"] == 1
    assert data["hits"][0]["id"] == "2020-12-01-daluo-qiangbian-gufang-gbk.txt"
    assert "<mark>中缅边境</mark>" in data["hits"][0]["snippet_html"]


def test_a_hit_is_the_same_json_from_the_cli_and_the_api(runner, index_dir, client):
    """One form of a hit (models.Hit.as_dict); the API adds its page's url."""
    printed = runner.invoke(cli, ["search", "强边固防", "--index", str(index_dir), "--json"])
    served = client.get("/api/search", query_string={"q": "强边固防"}).get_json()
    assert [h.pop("url") for h in served["hits"]] == [
        f"/article/{h['id']}?q=%E5%BC%BA%E8%BE%B9%E5%9B%BA%E9%98%B2" for h in served["hits"]
    ]
    assert json.loads(printed.output)["hits"] == served["hits"]


def test_default_folders_are_the_apps_whatever_the_working_directory(monkeypatch, tmp_path):
    """--corpus and --index default to the checkout's corpus/ and
    instance/index/, the folders the web app uses, not to the working
    directory's."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FLASK_CORPUS_DIR", raising=False)
    monkeypatch.delenv("FLASK_INDEX_DIR", raising=False)
    check = cli.commands["check"]
    context = check.make_context("check", [])
    defaults = {k: context.params[k] for k in ("corpus_dir", "index_dir")}
    assert defaults == {"corpus_dir": DEFAULT_CORPUS_DIR, "index_dir": DEFAULT_INDEX_DIR}
    assert DEFAULT_INDEX_DIR.is_absolute() and DEFAULT_CORPUS_DIR.is_absolute()
    app_defaults = default_config(str(tmp_path))
    assert (app_defaults["CORPUS_DIR"], app_defaults["INDEX_DIR"]) == (
        str(DEFAULT_CORPUS_DIR),
        str(DEFAULT_INDEX_DIR),
    )


def test_search_without_index(runner, tmp_path):
    result = runner.invoke(cli, ["search", "党建", "--index", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no index at {tmp_path}; run 'python -m indexer reindex --index {tmp_path}'\n"
    )


def test_search_query_too_long(runner, index_dir):
    result = runner.invoke(cli, ["search", "党" * 300, "--index", str(index_dir)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: 查询太长")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_shows_rate_and_eta(monkeypatch):
    from indexer import cli as cli_module

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli_module._progress_bar(enabled=True) as update:
        update(5, 10)
    shown = terminal.getvalue()
    assert "indexing:  50%" in shown and "5/10" in shown
    assert "file/s" in shown and "<" in shown  # rate, and elapsed<remaining


def test_no_progress_bar_when_not_a_terminal(monkeypatch):
    from indexer import cli as cli_module

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with cli_module._progress_bar(enabled=True) as update:
        assert update is None
