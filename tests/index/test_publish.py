"""Publishing the live generation to a replica folder: the replica switches
only when its copy is whole, keeps its last generation when a publish dies,
and copies nothing when it is already current."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from indexer import open_index, reindex, search
from indexer.cli import cli
from indexer.errors import PublishError
from indexer.index import publish as publish_module
from indexer.index.publish import RsyncReplica, is_remote, publish
from indexer.index.store import CURRENT, current_generation

NEW_PHRASE = "曼飞龙村茶叶初制所"
ARTICLE = "2030-01-01-manfeilong.txt"
NEEDS_RSYNC = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync not installed")


@pytest.fixture
def writer(tmp_path, corpus_dir) -> tuple[Path, Path]:
    """(corpus, index) of a writer machine, its index built once."""
    index = tmp_path / "writer-index"
    reindex(corpus_dir, index)
    return corpus_dir, index


def add_article(corpus: Path, index: Path) -> None:
    """A new article, alone in containing NEW_PHRASE, indexed: a new generation."""
    text = f"今天是:\n工作动态\n\n勐仑镇新闻\n\n来源 :西双版纳先锋\n\n{NEW_PHRASE}投入使用。\n"
    (corpus / ARTICLE).write_text(text, encoding="utf-8")
    reindex(corpus, index)


def phrase_hits(index: Path) -> list[str]:
    with open_index(index) as ix:
        return [hit.id for hit in search(ix, f'"{NEW_PHRASE}"').hits]


def files_of(generation: Path) -> dict[str, int]:
    """Relative path -> inode of every file of a generation (but Whoosh's
    lock file, which readers never need)."""
    return {
        str(p.relative_to(generation)): p.stat().st_ino
        for p in sorted(generation.rglob("*"))
        if p.is_file() and not p.name.endswith("WRITELOCK")
    }


def shared_with_previous(index: Path, old: str, new: str) -> set[str]:
    """Files of generation ``new`` that are the same file as in ``old``."""
    before, after = files_of(index / old), files_of(index / new)
    return {rel for rel, inode in after.items() if before.get(rel) == inode}


@pytest.mark.parametrize("how", ["local", pytest.param("rsync", marks=NEEDS_RSYNC)])
def test_publish_copies_then_links_unchanged_files_then_copies_nothing(tmp_path, writer, how):
    corpus, index = writer
    replica = tmp_path / "replica"
    dest = str(replica)

    def run():
        if how == "rsync":  # rsync between two local folders: the host:path code path
            return RsyncReplica(dest).publish(index / current_generation(index))
        return publish(index, dest)

    first = run()
    files = len(files_of(index / "g000001"))
    assert (first.generation, first.copied, first.unchanged) == ("g000001", files, 0)
    assert (replica / CURRENT).read_text() == "g000001\n"
    assert phrase_hits(replica) == []

    add_article(corpus, index)
    second = run()
    writer_shares = shared_with_previous(index, "g000001", "g000002")
    assert shared_with_previous(replica, "g000001", "g000002") == writer_shares
    copied = len(files_of(replica / "g000002")) - len(writer_shares)
    assert (second.copied, second.unchanged) == (copied, len(writer_shares))
    assert phrase_hits(replica) == [ARTICLE]

    before = files_of(replica)
    again = run()
    assert (again.already_current, again.copied) == (True, 0)
    assert files_of(replica) == before


def test_serving_replica_switches_only_after_current(tmp_path, writer, serve, monkeypatch):
    """Requests run against the replica throughout a publish: none fails,
    and none sees the new article before CURRENT names its generation."""
    from search_app import create_app

    corpus, index = writer
    replica = tmp_path / "replica"
    publish(index, str(replica))
    config = {"TESTING": True, "INDEX_DIR": str(replica), "BUILD_IF_MISSING": False}
    base = serve(create_app(config))
    add_article(corpus, index)
    host, port = base.removeprefix("http://").split(":")
    path = "/api/search?q=" + quote(f'"{NEW_PHRASE}"')

    def total() -> tuple[int, int]:
        """(status, total) of one request on its own connection."""
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        return response.status, json.loads(body)["total"] if response.status == 200 else -1

    answers: list[tuple[int, int]] = []
    first, done = threading.Event(), threading.Event()

    def hammer() -> None:
        while not done.is_set():
            answers.append(total())
            first.set()

    before_switch: list[tuple[int, int]] = []
    real_switch = publish_module.switch_to

    def switch(dest, tmp, name):
        before_switch.append(total())  # the generation is whole on disk, CURRENT not yet
        real_switch(dest, tmp, name)

    monkeypatch.setattr(publish_module, "switch_to", switch)
    thread = threading.Thread(target=hammer)
    thread.start()
    first.wait()
    try:
        publish(index, str(replica))
    finally:
        done.set()
        thread.join()
    assert before_switch == [(200, 0)]
    assert total() == (200, 1)
    assert {status for status, _ in answers} == {200}
    totals = [t for _, t in answers]
    assert totals == sorted(totals)  # never back to the old generation once switched


KILLED_PUBLISH = """
import sys
import indexer.index.publish as p

real, copies = p.shutil.copy2, []

def copy_then_wait(src, dst, **kw):
    real(src, dst, **kw)
    copies.append(dst)
    if len(copies) == 3:
        print("copying", flush=True)
        sys.stdin.readline()  # the test kills us here

p.shutil.copy2 = copy_then_wait
p.publish(sys.argv[1], sys.argv[2])
"""


def test_sigkill_mid_publish_keeps_the_replicas_last_generation(tmp_path, writer):
    corpus, index = writer
    replica = tmp_path / "replica"
    publish(index, str(replica))
    add_article(corpus, index)

    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_PUBLISH, str(index), str(replica)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline() == "copying\n"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdin.close()
    proc.stdout.close()

    assert sorted(p.name for p in replica.glob("g*")) == ["g000001", f"g000002.tmp-{proc.pid}"]
    assert current_generation(replica) == "g000001"
    assert phrase_hits(replica) == []

    report = publish(index, str(replica))
    assert report.generation == "g000002"
    assert sorted(p.name for p in replica.glob("g*")) == ["g000001", "g000002"]
    assert phrase_hits(replica) == [ARTICLE]


def test_a_replica_ahead_of_the_writer_is_refused(tmp_path, writer, corpus_dir):
    corpus, index = writer
    replica = tmp_path / "replica"
    add_article(corpus, index)
    publish(index, str(replica))
    fresh = tmp_path / "rebuilt-index"
    reindex(corpus_dir, fresh)
    with pytest.raises(PublishError) as e:
        publish(fresh, str(replica))
    assert str(e.value) == (
        f"{replica} serves g000002, newer than the g000001 being published; was the "
        "writer's index rebuilt elsewhere? Empty the replica's folder to reset it."
    )
    assert current_generation(replica) == "g000002"


@NEEDS_RSYNC
def test_rsync_keeps_the_replicas_previous_generation_and_prunes_older(tmp_path, writer):
    corpus, index = writer
    replica = tmp_path / "replica"
    for n in range(3):
        if n:
            (corpus / f"extra-{n}.txt").write_text(f"今天是:\n工作动态\n\n标题{n}\n\n正文{n}\n")
            reindex(corpus, index)
        RsyncReplica(str(replica)).publish(index / current_generation(index))
    assert sorted(p.name for p in replica.iterdir()) == [CURRENT, "g000002", "g000003"]


@NEEDS_RSYNC
def test_rsync_reports_an_unusable_replica(tmp_path, writer):
    _, index = writer
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(PublishError) as e:
        RsyncReplica(f"{blocker}/index").publish(index / "g000001")
    assert str(e.value).startswith(f"{blocker}/index: rsync failed (exit ")


def test_rsync_commands_for_a_remote_replica():
    replica = RsyncReplica("web2:/srv/search/index/")
    assert replica.copy_command(Path("/srv/w/index/g000007"), "g000006") == [
        "rsync",
        "-e",
        "ssh -o BatchMode=yes -o ConnectTimeout=10",
        "--timeout=120",
        "-a",
        "--modify-window=-1",
        "--delete",
        "--mkpath",
        "--fsync",
        "--stats",
        "--exclude=*WRITELOCK",
        "--link-dest=../g000006",
        "/srv/w/index/g000007/",
        "web2:/srv/search/index/g000007/",
    ]
    assert replica.prune_command(Path("/tmp/empty"), ["g000007", "g000006"])[4:] == [
        "-r",
        "--delete",
        "--filter=- /g000007/",
        "--filter=- /g000006/",
        "--filter=+ /g[0-9][0-9][0-9][0-9][0-9][0-9]/***",
        "--filter=- *",
        "/tmp/empty/",
        "web2:/srv/search/index/",
    ]


@pytest.mark.parametrize(
    "dest,remote",
    [
        ("web2:/srv/index", True),
        ("deploy@10.0.0.5:index", True),
        ("/srv/index", False),
        ("replicas/web2", False),
        ("./a:b", False),
    ],
)
def test_is_remote(dest, remote):
    assert is_remote(dest) is remote


def test_cli_publishes_to_each_replica_and_reports_the_one_that_fails(runner, tmp_path, writer):
    _, index = writer
    good, blocker = tmp_path / "replica", tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(cli, ["publish", "--index", str(index), str(blocker), str(good)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"Error: {blocker}: cannot publish here: [Errno 17] File exists: '{blocker}'"
    files = len(files_of(index / "g000001"))
    assert lines[1].startswith(f"{good}: now on g000001: {files} files copied (")
    assert current_generation(good) == "g000001"
