"""New article files for the corpus: what the admin page saves.

Uploaded files and pasted articles land in one folder, ``<corpus>/uploads/``,
whatever name the browser sent: the name is reduced to a plain base name
(Chinese kept, path parts, control characters and leading dots dropped), a
taken name gets ``-1``, ``-2`` … and nothing is ever overwritten. A file
appears complete or not at all, so a reindex or a watcher never reads half of
it. Pasted text is written in the site's scraped format (see articles.py), so
the indexer reads it like any scraped article. No jieba and no Whoosh here.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import unicodedata
from pathlib import Path

from indexer.errors import ArticleError, UploadError
from indexer.ingest.corpus import SUPPORTED_SUFFIXES
from indexer.ingest.dates import parse_date
from indexer.ingest.decode import strip_unsafe
from indexer.ingest.formats.html import check_nesting
from indexer.ingest.limits import MAX_ARTICLE_CHARS, MAX_HTML_CHARS, MAX_JSONL_LINES
from indexer.ingest.load import decode_file, load_bytes
from indexer.models import Article

UPLOADS = "uploads"  # the folder below the corpus that uploads go to
SITE = "西双版纳先锋"
MAX_NAME_BYTES = 200  # ext4 allows 255; leaves room for "-NNN" and the temp prefix
MAX_SAME_NAME = 1000  # "-1" … "-999", then the upload is refused
_SEPARATORS = re.compile(r"[/\\]")
_RESERVED = re.compile(r'[<>:"|?*]')  # not allowed on Windows, where the corpus may be copied
_DOTS = re.compile(r"\.{2,}")
_SPACES = re.compile(r"\s+")


def safe_name(name: str) -> str:
    """The file name to store an upload under, or UploadError.

    Browsers send whatever the user's file was called, and a hostile client
    anything at all (``../../etc/passwd.txt``, ``a\\x00b.txt``). We keep only
    the last path part, drop control and format characters (NUL, bidi
    overrides that disguise a suffix), runs of dots and leading dots (hidden
    files are skipped by the indexer), and keep Chinese, which werkzeug's
    ``secure_filename`` would throw away, leaving most of our names empty.
    """
    text = unicodedata.normalize("NFC", name)
    text = "".join(c for c in text if not unicodedata.category(c).startswith("C"))
    text = _SEPARATORS.split(text)[-1]
    text = _RESERVED.sub("_", _DOTS.sub(".", text))
    text = _SPACES.sub(" ", text).strip().lstrip(". ").rstrip(". ")
    if not text:
        raise UploadError(name, "文件名为空或无效")
    stem, suffix = os.path.splitext(text)
    if suffix.lower() not in SUPPORTED_SUFFIXES or not stem:
        shown = suffix or "（无扩展名）"
        raise UploadError(name, f"不支持的文件类型 {shown}，只接受 {' '.join(SUPPORTED_SUFFIXES)}")
    if stem.upper().startswith("README"):
        stem = "_" + stem  # the indexer skips README* files as notes
    return _truncate(stem, MAX_NAME_BYTES - len(suffix)) + suffix.lower()


def _truncate(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` of UTF-8, never inside a character."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore").rstrip(". ")


def save_upload(corpus_dir: str | Path, name: str, data: bytes) -> str:
    """Store ``data`` as a new file in ``<corpus>/uploads/`` under a safe form
    of ``name``; return its article id (``uploads/…``).

    Raises UploadError for an unusable name, an empty file or a write that
    failed; the message is for the uploader.
    """
    clean = safe_name(name)
    if not data.strip():
        raise UploadError(name, "空文件")
    check_content(name, clean, data)
    folder = _uploads_folder(Path(corpus_dir))
    try:
        path = _write_new(folder, clean, data)
    except OSError as e:
        raise UploadError(name, f"无法保存：{e.strerror or e}") from e
    return f"{UPLOADS}/{path.name}"


def check_content(name: str, clean: str, data: bytes) -> None:
    """Refuse, with the reason, what is not text at all (a gzip or an image
    named .txt, an unknown encoding) or over the import limits (limits.py),
    as the next reindex would, instead of saving it; whether the text holds
    an article the reindex reports."""
    relpath = f"{UPLOADS}/{clean}"
    try:
        text = decode_file(data, relpath)
        suffix = os.path.splitext(clean)[1]
        too_big = MAX_HTML_CHARS if suffix in (".html", ".htm") else MAX_ARTICLE_CHARS
        if suffix == ".jsonl" and text.count("\n") > MAX_JSONL_LINES:
            load_bytes(data, relpath)  # says how many lines, and the limit
        elif suffix != ".jsonl" and len(text) > too_big:
            load_bytes(data, relpath)  # an article over the limit says so
        elif suffix in (".html", ".htm"):
            check_nesting(text, relpath)
    except ArticleError as e:
        raise UploadError(name, f"不是可用的文章文件：{e.reason}") from None


def _uploads_folder(corpus_dir: Path) -> Path:
    """``<corpus>/uploads``, created if needed; refused if it leads out of the
    corpus (a symlink someone put there)."""
    folder = corpus_dir / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    if not folder.resolve().is_relative_to(corpus_dir.resolve()):
        raise UploadError(UPLOADS, f"{folder} 指向语料目录之外，拒绝写入")
    return folder


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a hidden temp file, fsync it, then hard-link it under
    the first free name. A link, unlike os.replace, fails when the name is
    taken, so two uploads of the same name at once cannot overwrite each
    other; the hidden temp name keeps the indexer away until it is complete."""
    tmp = folder / f".upload-{secrets.token_hex(8)}.part"
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        return _link_free_name(tmp, folder, name)
    finally:
        tmp.unlink(missing_ok=True)


def _link_free_name(tmp: Path, folder: Path, name: str) -> Path:
    """Link ``tmp`` as ``name``, or ``stem-1.suffix``, ``stem-2.suffix`` …"""
    stem, suffix = os.path.splitext(name)
    root = folder.resolve()
    for n in range(MAX_SAME_NAME):
        target = folder / (name if n == 0 else f"{stem}-{n}{suffix}")
        if target.resolve().parent != root:  # cannot happen with a safe_name; checked anyway
            raise UploadError(name, "文件名无效")
        try:
            os.link(tmp, target)
        except FileExistsError:
            continue
        return target
    raise UploadError(name, f"同名文件已有 {MAX_SAME_NAME} 个，请换一个文件名")


def scraped_text(title: str, body: str, column: str, date: str = "") -> str:
    """A pasted article in the site's scraped text format, the layout of
    ``corpus/*.txt``, so it is parsed like every scraped article.

    ``date`` may be written in any form parse_date reads (``2021-10-01``,
    ``2021年10月1日``); it is stored as ISO. Raises UploadError when the title,
    column or body is missing or the date is not a real date.
    """
    title, column = _one_line(title), _one_line(column)
    paragraphs = [p.strip() for p in body.splitlines() if p.strip()]
    iso = parse_date(date.strip()) if date.strip() else ""
    for value, message in (
        (title, "标题不能为空"),
        (column, "栏目不能为空"),  # without it a short title would be read as the column
        (paragraphs, "正文不能为空"),
        (iso is not None, f"日期无效：{date}"),
    ):
        if not value:
            raise UploadError(title or "粘贴的文章", message)
    header = ["今天是:", column, "", title, "", f"来源 :{SITE} 访问次数 : 发布时间 :{iso}", ""]
    return "\n".join(header) + "\n" + "\n\n".join(paragraphs) + f"\n\n来源:{SITE}\n"


def pasted_name(title: str, date: str = "") -> str:
    """The file name for a pasted article: its date and title, like the
    scraped files (``2021-10-01-勐海县….txt``)."""
    iso = parse_date(date.strip()) if date.strip() else None
    stem = _truncate(_SEPARATORS.sub("_", _one_line(title)), 120) or "article"
    return f"{iso}-{stem}.txt" if iso else f"{stem}.txt"


def save_pasted(corpus_dir: str | Path, title: str, body: str, column: str, date: str = "") -> str:
    """Store a pasted article in ``<corpus>/uploads/``; return its article id.

    The file must read back as exactly what was entered. The scraped layout
    cannot hold every title (``来源：…`` or ``日期：2020-01-01 …`` read as the
    meta line), so when it would not, the article is saved as one JSON Lines
    record instead, which holds any text."""
    title, body, column = strip_unsafe(title), strip_unsafe(body), strip_unsafe(column)
    text, name = scraped_text(title, body, column, date), pasted_name(title, date)
    entered = Article(
        id=f"{UPLOADS}/{name}",
        title=_one_line(title),
        body="\n".join(p.strip() for p in body.splitlines() if p.strip()),
        date=parse_date(date.strip()) if date.strip() else None,
        column=_one_line(column),
        source=SITE,
        file=f"{UPLOADS}/{name}",
    )
    try:
        read_back = load_bytes(text.encode("utf-8"), entered.id)[0]
    except ArticleError:
        read_back = []
    if read_back == [entered]:
        return save_upload(corpus_dir, name, text.encode("utf-8"))
    record = {
        "title": entered.title,
        "body": entered.paragraphs,
        "column": entered.column,
        "date": entered.date or "",
        "source": SITE,
    }
    line = json.dumps(record, ensure_ascii=False) + "\n"
    return save_upload(corpus_dir, name.removesuffix(".txt") + ".jsonl", line.encode("utf-8"))


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def corpus_file(corpus_dir: str | Path, relpath: str) -> Path:
    """The corpus file whose id is ``relpath``, or UploadError when there is
    none or the id leads out of the corpus (``..``, an absolute path, a link)."""
    root = Path(corpus_dir).resolve()
    parts = relpath.split("/")
    if not relpath or relpath.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise UploadError(relpath, "文件名无效")
    path = root.joinpath(*parts)
    if path.is_symlink() or not path.resolve().is_relative_to(root) or not path.is_file():
        raise UploadError(relpath, "语料目录中没有这个文件")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UploadError(relpath, "不是文章文件")
    return path


def remove_file(corpus_dir: str | Path, relpath: str) -> str:
    """Delete the corpus file ``relpath`` (every article in it leaves the
    index at the next reindex); return its id. UploadError if it cannot be."""
    path = corpus_file(corpus_dir, relpath)
    try:
        path.unlink()
    except OSError as e:
        raise UploadError(relpath, f"无法删除：{e.strerror or e}") from e
    return relpath


def replace_file(corpus_dir: str | Path, relpath: str, name: str, data: bytes) -> str:
    """Put ``data`` (an upload called ``name``) in place of the corpus file
    ``relpath``, atomically: readers of the folder see the old file or the new
    one, never half of it. The format must stay the same (same suffix)."""
    path = corpus_file(corpus_dir, relpath)
    suffix = os.path.splitext(safe_name(name))[1]
    if suffix != path.suffix.lower():
        raise UploadError(name, f"替换文件须与原文件格式相同（{path.suffix}），不能是 {suffix}")
    if not data.strip():
        raise UploadError(name, "空文件")
    check_content(name, path.name, data)
    tmp = path.parent / f".upload-{secrets.token_hex(8)}.part"
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        raise UploadError(name, f"无法保存：{e.strerror or e}") from e
    finally:
        tmp.unlink(missing_ok=True)
    return relpath
