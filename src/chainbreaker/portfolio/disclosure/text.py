"""Statement text from .txt, .pdf (pypdf) or .html (the standard library's parser), split into sentences
that keep their page number, so every citation can be found in the original."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from chainbreaker.core.errors import InputError

SUFFIXES = (".txt", ".pdf", ".html", ".htm")
_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[\"'“(]?[A-Z0-9])|\n\s*\n|\n\s*(?:[-•*▪]|\d+[.)])\s+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    page: int | None
    text: str


class _TextOnly(HTMLParser):
    """Visible text of an HTML page: script, style and head contents dropped, block ends as paragraph breaks."""

    SKIP = frozenset({"script", "style", "head", "noscript", "template"})
    BLOCK = frozenset(
        {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def pages(path: Path) -> list[tuple[int | None, str]]:
    """(page number or None, text) of a statement file; a clear error for what cannot be read."""
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"expected {', '.join(SUFFIXES)}, got {path.suffix or 'no suffix'}", file=str(path))
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(str(path))
            out: list[tuple[int | None, str]] = [
                (i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)
            ]
        except (PdfReadError, ValueError, KeyError, OSError) as exc:
            raise InputError(f"not a readable PDF ({exc})", file=str(path)) from exc
        if not any(t.strip() for _p, t in out):
            raise InputError("the PDF has no text layer (a scan?): run OCR first", file=str(path))
        return out
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError("contains NUL bytes: not a text file", file=str(path))
    text = raw.decode("utf-8-sig", errors="replace")
    if suffix in (".html", ".htm"):
        parser = _TextOnly()
        parser.feed(text)
        text = "".join(parser.parts)
    return [(None, text)]


def sentences(chunks: list[tuple[int | None, str]]) -> list[Sentence]:
    """Sentences (and bullet items) in reading order, whitespace collapsed, very short fragments dropped."""
    out: list[Sentence] = []
    for page, text in chunks:
        for piece in _SPLIT.split(text):
            clean = _SPACE.sub(" ", piece or "").strip()
            if len(clean) >= 12:
                out.append(Sentence(len(out) + 1, page, clean))
    return out
