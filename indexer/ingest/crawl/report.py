"""What one crawl did, per URL where it matters: printed by the CLI, returned
as JSON, shown on the admin page, and kept in the crawl state between URLs so
a crawl resumed after a kill reports the whole crawl, not just its tail."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields


@dataclass
class CrawlReport:
    requested: int = 0  # HTTP requests made (robots.txt, retries and redirects included)
    downloaded: int = 0  # responses with a body (200)
    unchanged: int = 0  # pages that answered 304, or 200 with the same content
    new: list[str] = field(default_factory=list)  # article URLs saved for the first time
    changed: list[str] = field(default_factory=list)  # article URLs whose file was replaced
    removed: list[str] = field(default_factory=list)  # article URLs now 404/410, file deleted
    attachments: int = 0  # attachment files downloaded and read
    failed: list[list[str]] = field(default_factory=list)  # [url, reason]
    skipped: list[list[str]] = field(default_factory=list)  # [url, reason]: .doc, other hosts
    bytes: int = 0  # bytes of response bodies
    seconds: float = 0.0
    unfinished: list[str] = field(default_factory=list)  # sites stopped at --max-pages

    def as_dict(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> CrawlReport:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def add(self, other: CrawlReport) -> None:
        """Add another site's figures to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def fail(self, url: str, reason: str) -> None:
        self.failed.append([url, reason])

    def skip(self, url: str, reason: str) -> None:
        self.skipped.append([url, reason])


def format_crawl(report: CrawlReport) -> str:
    """The human summary of a crawl."""
    lines = [
        f"{report.requested} requests, {report.downloaded} downloaded, {report.unchanged}"
        f" unchanged; {len(report.new)} new, {len(report.changed)} changed,"
        f" {len(report.removed)} removed articles; {report.attachments} attachments;"
        f" {len(report.failed)} failed; {report.bytes:,} bytes ({report.seconds:.1f}s)"
    ]
    for label, urls in (("new", report.new), ("changed", report.changed)):
        lines.extend(f"  {label}: {url}" for url in urls[:50])
        if len(urls) > 50:
            lines.append(f"  ... and {len(urls) - 50} more {label}")
    lines.extend(f"  removed: {url}" for url in report.removed)
    lines.extend(f"  failed: {url}: {reason}" for url, reason in report.failed)
    lines.extend(f"  skipped: {url}: {reason}" for url, reason in report.skipped)
    lines.extend(
        f"  stopped at the page limit: {site} (the next crawl continues it)"
        for site in report.unfinished
    )
    return "\n".join(lines)
