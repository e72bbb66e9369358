"""The one report toolkit: a self-contained HTML page, built section by section.

``compare``, ``sweep`` and ``check`` reports are all a ``Document``: a title, the
answer first, then sections of text, figures and short tables, then an appendix of long
tables and provenance. Figures are embedded as PNG (no external assets, so a report
opens offline and can be mailed on) and link to their vector copies in ``figures/``.
Text is escaped here; only fragments this package builds go in unescaped.

Example:
    >>> page = Document("tutorial: baseline vs no_dprk")
    >>> _ = page.section("The answer").headline(["With DPRK supply, Russia fires more."])
    >>> "<h2>The answer</h2>" in page.render()
    True
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #111; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } p.subtitle { color: #444; margin-top: 0; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #999; }
p.headline { font-size: 1.15em; border-left: 4px solid #111; padding: 0.4em 0.8em;
             background: #f3f3f3; }
table { border-collapse: collapse; font-family: Helvetica, Arial, sans-serif; font-size: 0.82em;
        margin: 0.6em 0; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: right; }
th { background: #eee; } td:first-child, th:first-child { text-align: left; }
td.text, th.text { text-align: left; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #333; } code { font-size: 0.9em; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; } dd { margin: 0; word-break: break-all; }
details { margin: 0.6em 0; } summary { cursor: pointer; }
"""


def number(value: Any) -> str:
    """A number for a reader: thousands separators, few decimals (none for a whole
    number), a dash when missing.

    Example:
        >>> number(1234567.8), number(-3.14159), number(float("nan")), number(0.0), number(7)
        ('1,234,568', '-3.14', '—', '0', '7')
    """
    if value is None or not np.isfinite(value):
        return "—"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def escape(value: Any) -> str:
    """Text made safe for HTML (quotes kept: text here never sits in an attribute).

    Example:
        >>> print(escape("Russia's <fire> & more"))
        Russia's &lt;fire&gt; &amp; more
    """
    return html.escape(str(value), quote=False)


def table_html(frame: pd.DataFrame) -> str:
    """A table without its index; text columns left-aligned, numbers as ``number``."""
    text = [c for c in frame.columns if frame[c].dtype.kind not in "fiub"]
    shown = frame.assign(
        **{c: frame[c].map(number) for c in frame.columns if frame[c].dtype.kind in "fiu"},
        **{c: frame[c].where(frame[c].notna(), "") for c in text},  # as a CSV reads it back
    )
    rendered = shown.to_html(index=False, escape=True, border=0, na_rep="—")
    for position, column in enumerate(frame.columns):  # mark text columns for alignment
        if column in text and position > 0:
            rendered = rendered.replace(f"<th>{escape(column)}</th>", f'<th class="text">'
                                        f"{escape(column)}</th>", 1)  # fmt: skip
    return rendered


class Document:
    """An HTML report under construction; each method adds to the end and returns it."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        self.title = title
        self.body = [f"<h1>{escape(title)}</h1>"]
        if subtitle:
            self.body.append(f'<p class="subtitle">{escape(subtitle)}</p>')

    def section(self, title: str, level: int = 2) -> Document:
        """A heading (``level`` 2 for a section, 3 for a part of one)."""
        self.body.append(f"<h{level}>{escape(title)}</h{level}>")
        return self

    def text(self, *paragraphs: str) -> Document:
        """Paragraphs of plain text (escaped)."""
        self.body += [f"<p>{escape(p)}</p>" for p in paragraphs if p]
        return self

    def markup(self, fragment: str) -> Document:
        """A fragment of HTML this package built (not escaped)."""
        if fragment:
            self.body.append(fragment)
        return self

    def headline(self, sentences: Iterable[str]) -> Document:
        """The answer: each sentence set apart."""
        self.body += [f'<p class="headline">{escape(s)}</p>' for s in sentences]
        return self

    def items(self, items: Iterable[str]) -> Document:
        """A bulleted list of plain-text items."""
        found = [f"<li>{escape(item)}</li>" for item in items]
        if found:
            self.body.append("<ul>" + "".join(found) + "</ul>")
        return self

    def table(self, frame: pd.DataFrame, note: str = "") -> Document:
        """A short table, then a note on it (plain text)."""
        if frame is not None and not frame.empty:
            self.body.append(table_html(frame))
            self.text(note)
        return self

    def figure(self, stem: str, caption: str, png: bytes, vectors: Sequence[str] = ()) -> Document:
        """An embedded PNG with its caption and links to ``figures/STEM.EXT`` copies."""
        encoded = base64.b64encode(png).decode("ascii")
        links = " ".join(f'<a href="figures/{html.escape(stem)}.{ext}">{ext.upper()}</a>'
                         for ext in vectors)  # fmt: skip
        self.body.append(
            f'<figure><img alt="{html.escape(stem)}" src="data:image/png;base64,{encoded}">'
            f"<figcaption><b>{escape(stem)}</b> — {escape(caption)}"
            f"{' (' + links + ')' if links else ''}</figcaption></figure>"
        )
        return self

    def appendix(self, summary: str, fragment: str) -> Document:
        """A long part, folded: shown when the reader asks."""
        if fragment:
            self.body.append(f"<details><summary>{escape(summary)}</summary>{fragment}</details>")
        return self

    def facts(self, facts: Mapping[str, str]) -> Document:
        """A list of name: value pairs; values are fragments this package built."""
        self.body.append(
            "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in facts.items())
            + "</dl>"
        )  # fmt: skip
        return self

    def render(self) -> str:
        """The whole page."""
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(self.title)}</title><style>{CSS}</style></head>"
            f"<body>\n{chr(10).join(self.body)}\n</body></html>\n"
        )

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path``."""
        path = Path(path)
        path.write_text(self.render(), encoding="utf-8")
        return path


def provenance(info: Mapping[str, Any]) -> dict[str, str]:
    """What produced a run folder, from its manifest: file, hash, command, seeds, versions."""
    seeds = info.get("replication_seeds", [])
    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in info.get("versions", {}).items())
    found = {
        "scenario file": f"<code>{escape(info.get('scenario_file'))}</code>",
        "SHA-256": f"<code>{escape(info.get('scenario_sha256'))}</code>",
        "command": f"<code>{escape(info.get('command'))}</code>",
        "master seed": escape(info.get("master_seed")),
    }
    if seeds:
        found["replication seeds"] = (
            f"<details><summary>{len(seeds)} seeds, derived from the master seed</summary>"
            f"<code>{escape(', '.join(map(str, seeds)))}</code></details>"
        )
    if info.get("output_schema"):
        found["output schema"] = escape(info["output_schema"])
    found |= {
        "versions": versions,
        "started (UTC)": escape(info.get("started_utc")),
        "finished (UTC)": escape(info.get("finished_utc")),
    }
    return found
