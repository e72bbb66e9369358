"""Where a scenario file's numbers come from, read from its comments: which sources each
input and each checkpoint cites, and when they were published.

A shipped scenario puts a source beside every number (``# citing PUBLISHER, "Title",
DATE: ...`` or ``# assumption: ...``); a checkpoint and an ``[[uncertainties]]`` entry
also carry a ``source`` key. Two uses:

- **the time split**: an input is *informed after the calibration cut-off* when a source
  it cites was published after it (``input_provenance``; a date given only as a year or
  a month counts from its first day, so only sources surely later count);
- **independence**: a behaviour checkpoint should not be scored against a source that
  also set an input (``citations`` gives the comparable keys: each quoted title, and
  each ``Publisher Name (...), YYYY-MM-DD`` cited without one).

Example:
    >>> sorted(citations('citing Censor.NET (Syrskyi), 2024-08-20; RUSI, "A title here", 2023'))
    ['a title here', 'censor.net 2024-08-20']
    >>> cited_dates("citing X, 2024-03; Y, 2023-11-06; Z, 2025")
    [datetime.date(2024, 3, 1), datetime.date(2023, 11, 6), datetime.date(2025, 1, 1)]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

HEADER = re.compile(r"^\s*\[\[?\s*([\w.\-\"]+)\s*\]\]?\s*$")
KEY = re.compile(r"^\s*([A-Za-z_][\w\-]*|\"[^\"]+\")\s*=")
IDENT = re.compile(r"^\s*id\s*=\s*\"([^\"]+)\"")
SOURCE = re.compile(r"^\s*source\s*=\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*')")
DATE = re.compile(r"(?<=, )((?:19|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?(?![\d-])")
TITLE = re.compile(r"\"([^\"]{12,})\"|(?<![\w])'(.{12,}?)'(?=\s*[,;)]|\s*$)")
PUBLISHED = re.compile(
    r"([A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)*)\s*(?:\([^)]*\))?,\s*((?:19|20)\d\d-\d\d-\d\d)"
)
ENTRY_TABLES = ("checkpoints", "uncertainties")  # entries that are not inputs


def split_comment(line: str) -> tuple[str, str]:
    """A TOML line's code (string literals blanked) and its comment (without ``#``)."""
    code: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 2
                continue
            if char == quote:
                quote = None
                code.append('""')
        elif char in "\"'":
            quote = char
        elif char == "#":
            return "".join(code), line[i + 1 :]
        else:
            code.append(char)
        i += 1
    return "".join(code), ""


def _unquoted(literal: str) -> str:
    """A TOML string literal's text (its escapes undone)."""
    if literal.startswith('"'):
        return literal[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return literal[1:-1]


def cited_dates(text: str) -> list[dt.date]:
    """Every publication date a text cites (a date after a comma, as in ``Publisher,
    "Title", DATE``; a year or a month read as its first day). A year that is not a
    citation's ("the 2024 price") is not one."""
    found = []
    for year, month, day in DATE.findall(text):
        try:
            found.append(dt.date(int(year), int(month or 1), int(day or 1)))
        except ValueError:  # not a date after all (a count such as 2025-13)
            continue
    return found


def citations(text: str) -> set[str]:
    """The sources a text cites, as comparable keys: each quoted title (lower case,
    spaces folded) and each ``Publisher Name (...), YYYY-MM-DD`` given without a title."""
    keys = {" ".join((a or b).lower().split()) for a, b in TITLE.findall(text)}
    untitled = TITLE.sub("", text)
    keys |= {f"{name.lower()} {date}" for name, date in PUBLISHED.findall(untitled)}
    return keys


@dataclass(frozen=True)
class Cited:
    """A numbered line of the file (or an entry's ``source``) and what it cites."""

    line: int
    key: str  # TABLE.ID.KEY (or TABLE.KEY)
    text: str  # the comment or the source string

    @property
    def dates(self) -> list[dt.date]:
        return cited_dates(self.text)

    @property
    def sources(self) -> set[str]:
        return citations(self.text)


@dataclass
class FileSources:
    """Every cited line of a scenario file: the inputs' and each entry's (checkpoint or
    uncertainty) by its id."""

    inputs: list[Cited]
    entries: dict[str, dict[str, list[Cited]]]  # table → id → its lines


def file_sources(path: str | Path) -> FileSources:
    """Read a scenario file's citations line by line (an ``[[uncertainties]]`` entry is
    an input too: it sets the range an input is drawn from)."""
    inputs: list[Cited] = []
    entries: dict[str, dict[str, list[Cited]]] = {table: {} for table in ENTRY_TABLES}
    table, ident = "", None
    ids: dict[str, str] = {}  # table path → the id of its current entry
    pending: list[Cited] = []

    def close() -> None:
        if table in ENTRY_TABLES and ident is not None:
            entries[table][ident] = pending.copy()
            if table == "uncertainties":
                inputs.extend(pending)

    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        code, comment = split_comment(line)
        header = HEADER.match(code)
        if header:
            close()
            table, ident, pending = header.group(1), None, []
            ids = {path: i for path, i in ids.items() if not _within(path, table)}
            continue
        found = IDENT.match(line)
        if found:
            ident = ids[table] = found.group(1)
        key = KEY.match(code)
        if not key:
            continue
        name = f"{_path(table, ids)}.{key.group(1)}"
        source = SOURCE.match(line)
        text = _unquoted(source.group(1)) if source else comment
        if not (text.strip() and (comment or source)):
            continue
        cited = Cited(number, name, text.strip())
        if table in ENTRY_TABLES:
            pending.append(cited)
        else:
            inputs.append(cited)
    close()
    return FileSources(inputs, entries)


def _within(path: str, table: str) -> bool:
    return path == table or path.startswith(table + ".")


def _path(table: str, ids: dict[str, str]) -> str:
    """A table's dotted path with each level's entry id: ``importers.dprk.routes.sea``."""
    parts, prefix = [], ""
    for part in table.split("."):
        prefix = f"{prefix}.{part}" if prefix else part
        parts.append(part)
        if prefix in ids:
            parts.append(ids[prefix])
    return ".".join(parts)


def input_provenance(path: str | Path, cutoff: dt.date) -> list[tuple[Cited, dt.date | None, bool]]:
    """Each cited input line, its latest cited date and whether that is after
    ``cutoff`` (an assumption citing no date: None, and not after)."""
    rows = []
    for cited in file_sources(path).inputs:
        dates = cited.dates
        latest = max(dates) if dates else None
        rows.append((cited, latest, latest is not None and latest > cutoff))
    return rows
