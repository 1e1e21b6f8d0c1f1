"""The indexer's reasons for refusing a file, in Chinese for editors.

The library reports in English, for operators at a shell and for its logs;
the admin pages speak to site staff, so every reason shown there goes
through :func:`in_chinese`. A reason without a rule here is still shown,
after a Chinese lead, so nothing is hidden.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"^empty file$", "空文件"),
        (r"^binary file \(not text\)$", "二进制文件，不是文本"),
        (r"^cannot decode: .*", "无法识别文字编码（不是 UTF-8 或 GB18030）"),
        (r"^cannot read: (.*)$", r"无法读取：\1"),
        (r"^unsupported file type '?([^']*)'?$", r"不支持的文件类型 \1"),
        (r"^no title found$", "找不到标题"),
        (r"^no article text found$", "找不到正文"),
        (r"^no body text.*$", "没有正文（文件可能不完整）"),
        (r"^elements nested more than (\d+) deep$", r"网页元素嵌套超过 \1 层"),
        (
            r"^(article|page) too long: ([\d,]+) characters, the limit is ([\d,]+).*$",
            r"内容太长：\2 字，上限 \3 字；请拆分成较小的文件",
        ),
        (r'^missing or empty "title"$', "缺少标题（title）"),
        (r'^missing or empty "body"$', "缺少正文（body）"),
        (r'^"body" must be a string or a list of strings$', "正文（body）必须是文字或文字列表"),
        (r'^unusable "id".*$', "编号（id）不可用"),
        (r"^duplicate id \(first on line (\d+)\)$", r"编号（id）重复（第 \1 行已用过）"),
        (r"^invalid JSON: nested too deeply$", "JSON 嵌套太深"),
        (r"^invalid JSON: (.*) \(column (\d+)\)$", r"JSON 格式错误：\1（第 \2 列）"),
        (r"^not a JSON object but (\w+)$", r"不是 JSON 对象（而是 \1）"),
        (r"^([\d,]+) more bad lines not listed$", r"另有 \1 行有误，未一一列出"),
        (
            r"^(.*) has none of the (\d+) indexed files any more.*$",
            r"语料目录 \1 中已没有索引里的 \2 个文件（目录是否已挂载？）；为免清空索引，没有更新",
        ),
    ]
]
_NO_VALID = re.compile(r"^no valid records \(line (\d+): (.*)\)$")


def in_chinese(reason: str, unknown: str = "无法收录：") -> str:
    """``reason`` (as the indexer words it) for editors; one without a rule
    is shown after ``unknown``."""
    m = _NO_VALID.match(reason)
    if m:
        return f"没有可用的记录（第 {m.group(1)} 行：{in_chinese(m.group(2))}）"
    for pattern, replacement in _RULES:
        if pattern.match(reason):
            return pattern.sub(replacement, reason)
    if re.search(r"[\u4e00-\u9fff]", reason):
        return reason  # already Chinese (upload and crawl messages are)
    return f"{unknown}{reason}"
