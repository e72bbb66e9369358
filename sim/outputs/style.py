"""The look of every figure munsim draws: sizes, fonts, resolution, palette, and saving.

This is the one module that creates matplotlib figures and sets their resolution and
fonts; the report, the check, the sweep and the page draw on what it gives. Figures sit
on their own Agg canvas (no display and no global pyplot state), fonts apply while a
``@styled`` function draws and while a figure is saved, so a notebook's own settings are
left alone.

Example:
    >>> figure = new_figure(4, 3)
    >>> axes = figure.subplots()
    >>> _ = axes.plot([0, 1], [1, 2], **line_style(VARIANT_STYLES[0]))
    >>> len(png_bytes(figure)) > 0
    True
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

Layout = Literal["constrained", "compressed", "tight"] | None
PRINT_DPI = 200
"""Resolution of every saved or embedded PNG (dots per inch)."""
SCREEN_DPI = 110
"""Resolution of a figure on screen: the page's live figures keep it, for speed."""
VECTOR_FORMATS = ("svg", "pdf")
"""The vector files saved beside each PNG."""

RC: dict[Any, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",  # text stays text in an SVG: searchable, editable
    "pdf.fonttype": 42,  # TrueType in a PDF, editable in an illustrator
    "savefig.dpi": PRINT_DPI,
    "hatch.linewidth": 0.6,
}
"""Fonts and defaults, applied while a figure is drawn (``styled``) and saved."""

INK = "#222222"
GRID = "#dddddd"
EVENT = "#8a8a8a"
LABEL_GAP = 0.016  # least distance between two event labels, a share of the axis
# Dark blue vs orange also differ in lightness, so they part in grey; line style and
# hatching carry the distinction on their own.
PALETTE = ("#1f3b73", "#d9862b", "#2e7d32", "#8e24aa", "#6d4c41")
VARIANT_STYLES: tuple[dict[str, Any], ...] = (
    {"color": PALETTE[0], "linestyle": "-", "hatch": None, "alpha": 0.25},
    {"color": PALETTE[1], "linestyle": "--", "hatch": "////", "alpha": 0.15},
    {"color": PALETTE[2], "linestyle": "-.", "hatch": "\\\\", "alpha": 0.15},
    {"color": PALETTE[3], "linestyle": ":", "hatch": "....", "alpha": 0.15},
    {"color": PALETTE[4], "linestyle": (0, (5, 1)), "hatch": "xx", "alpha": 0.15},
)
DIFFERENCE_STYLE: dict[str, Any] = {
    "color": "#333333",
    "linestyle": "-",
    "hatch": "\\\\\\\\",
    "alpha": 0.2,
}


def styled[**P, R](draw: Callable[P, R]) -> Callable[P, R]:
    """Run a drawing function with the style's fonts (``RC``) in force.

    Example:
        >>> @styled
        ... def blank() -> Figure:
        ...     return new_figure(2, 2)
        >>> float(blank().get_figwidth())
        2.0
    """

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with mpl.rc_context(RC):
            return draw(*args, **kwargs)

    return wrapper


def new_figure(
    width: float, height: float, *, dpi: float = SCREEN_DPI, layout: Layout = "constrained"
) -> Figure:
    """A figure of ``width`` × ``height`` inches on its own Agg canvas.

    ``dpi`` is the resolution on screen only; ``save`` and ``png_bytes`` write at
    ``PRINT_DPI`` whatever it is.
    """
    figure = Figure(figsize=(width, height), layout=layout, dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Figure, dpi: float = PRINT_DPI) -> bytes:
    """A figure as PNG bytes (for embedding in a page), at ``PRINT_DPI``."""
    buffer = io.BytesIO()
    with mpl.rc_context(RC):
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def save(figure: Figure, folder: str | Path, stem: str) -> list[Path]:
    """Write ``stem.png`` (at ``PRINT_DPI``), ``stem.svg`` and ``stem.pdf`` into ``folder``.

    Returns the paths written, the PNG first.

    Example:
        >>> import tempfile
        >>> paths = save(new_figure(2, 2), tempfile.mkdtemp(), "blank")
        >>> [p.name for p in paths]
        ['blank.png', 'blank.svg', 'blank.pdf']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{stem}.png"
    png.write_bytes(png_bytes(figure))
    paths = [png]
    with mpl.rc_context(RC):
        for kind in VECTOR_FORMATS:
            path = folder / f"{stem}.{kind}"
            figure.savefig(path, format=kind, metadata=_metadata(kind))
            paths.append(path)
    return paths


def _metadata(kind: str) -> dict[str, Any]:
    """No creation date in a vector file, so drawing a folder twice gives the same bytes."""
    return {"Date": None} if kind == "svg" else {"CreationDate": None}


# -- axes -----------------------------------------------------------------------------


def thousands(value: float, _position: int = 0) -> str:
    """Tick labels with thousands separators: 12,500; small values as they are."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:g}"


def compact(value: float, _position: int = 0) -> str:
    """Short tick labels for narrow panels: 1.2M, 250k, 12."""
    for scale, suffix in ((1e6, "M"), (1e4, "k")):
        if abs(value) >= scale:
            divisor = 1e3 if suffix == "k" else scale
            return f"{value / divisor:,.4g}{suffix}"
    return f"{value:,.4g}"


def grid(axes: Axes, axis: Literal["both", "x", "y"] = "both") -> None:
    """The light grid every panel has."""
    axes.grid(True, axis=axis, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)


def date_axis(axes: Axes) -> None:
    """Calendar dates on x, concise (years once, then months)."""
    locator = AutoDateLocator(minticks=4, maxticks=9)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def style_axes(axes: Axes, unit: str) -> None:
    """Thousands on y, calendar dates on x (labelled on the bottom panels only)."""
    axes.set_ylabel(unit)
    axes.yaxis.set_major_formatter(FuncFormatter(thousands))
    grid(axes)
    date_axis(axes)
    spec = axes.get_subplotspec()
    if spec is None or spec.is_last_row():
        axes.set_xlabel("date")


def line_style(style: dict[str, Any]) -> dict[str, Any]:
    """The keywords of a median line in a variant's style."""
    return {"color": style["color"], "linestyle": style["linestyle"], "linewidth": 1.8}


def draw_band(
    axes: Axes,
    band: pd.DataFrame,
    label: str,
    style: dict[str, Any],
    *,
    what: str = "5–95 % of replications",
) -> None:
    """A median line over a shaded (and, from the second variant, hatched) band.

    ``band`` has columns ``median``, ``low`` and ``high`` by date (``replication_band``).
    """
    axes.fill_between(
        band.index,
        band["low"],
        band["high"],
        facecolor=style["color"],
        alpha=style["alpha"],
        edgecolor=style["color"] if style["hatch"] else "none",
        hatch=style["hatch"],
        linewidth=0.0,
        label=f"{label}: {what}",
    )
    axes.plot(band.index, band["median"], **line_style(style), label=f"{label}: median")


def draw_range(axes: Axes, low: pd.Series, high: pd.Series, style: dict[str, Any]) -> None:
    """A faint band, unlabelled: the range behind a smoother line (daily behind weekly)."""
    axes.fill_between(
        low.index, low, high, facecolor=style["color"], alpha=0.07, linewidth=0.0, zorder=0.5
    )


# -- dated events ---------------------------------------------------------------------


def mark_events(
    axes: Axes,
    markers: Sequence[tuple[dt.date, str]],
    labelled: bool = True,
    *,
    tick: bool = False,
) -> None:
    """Dated events as thin vertical lines, with a small rotated label at the top.

    ``markers`` are ``(date, label)`` pairs. With ``labelled`` False (the lower panels
    of a column, the page) the lines carry no text; with ``tick`` they are short ticks
    along the top edge rather than lines across the panel. Labels sit inside the
    panel, below its title, pushed apart where two dates are close.
    """
    if not markers:
        return
    dates = [pd.Timestamp(date) for date, _ in markers]
    bottom = 0.96 if tick else 0.0
    axes.vlines(
        dates, bottom, 1.0, transform=axes.get_xaxis_transform(), color=EVENT,
        linewidth=0.7, linestyle="-" if tick else (0, (2, 2)), zorder=0.8,
    )  # fmt: skip
    if not labelled:
        return
    left, right = axes.get_xlim()
    width = right - left
    placed = spread(mdates.date2num(dates), gap=LABEL_GAP * width)
    for x, (_, label) in zip(placed, markers, strict=True):
        if left <= x <= right:
            axes.text(
                x - 0.002 * width, 0.985, label, transform=axes.get_xaxis_transform(),
                rotation=90, ha="right", va="top", fontsize=6.5, color="#555555",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5},
            )  # fmt: skip


def spread(positions: Sequence[float] | np.ndarray, gap: float) -> np.ndarray:
    """Positions pushed apart, in their order, so neighbours are at least ``gap`` apart.

    A crowded run moves as a block, centred where its members would be (the least
    squared displacement).

    Example:
        >>> spread([0.0, 0.01, 0.5], gap=0.1).round(3).tolist()
        [-0.045, 0.055, 0.5]
    """
    values = np.asarray(positions, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    target = values[order]
    blocks: list[list[int]] = []  # indices into target, each block evenly spaced
    starts: list[float] = []
    for i in range(len(target)):
        blocks.append([i])
        starts.append(float(target[i]))
        while len(blocks) > 1 and starts[-2] + gap * len(blocks[-2]) > starts[-1]:
            merged = blocks[-2] + blocks.pop()
            starts.pop()
            blocks[-1] = merged
            starts[-1] = float(np.mean(target[merged] - gap * np.arange(len(merged))))
    placed = np.empty_like(target)
    for block, start in zip(blocks, starts, strict=True):
        placed[block] = start + gap * np.arange(len(block))
    out = np.empty_like(placed)
    out[order] = placed
    return out


# -- labels that must not overlap -----------------------------------------------------

_OFFSETS = ((5, 4), (5, -11), (-5, 4), (-5, -11), (5, 14), (5, -20), (-5, 14), (-5, -20))
"""Offsets in points, tried in order, for a label beside its point."""


def place_labels(
    axes: Axes, points: Sequence[tuple[float, float]], texts: Sequence[str], **text: Any
) -> None:
    """Annotate ``points`` with ``texts`` so that no two labels overlap.

    Each label (in the order given: put the most important first) takes the first of a
    few offsets around its point whose box overlaps no label already placed and stays
    inside the axes; if none is free it takes the one that overlaps least.
    """
    figure = axes.get_figure(root=True)
    assert isinstance(figure, Figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    figure.draw_without_rendering()  # the layout settles where the axes stand
    frame = axes.get_window_extent(renderer)
    placed: list[Any] = []
    for (x, y), label in zip(points, texts, strict=True):
        best, best_cost = None, np.inf
        for dx, dy in _OFFSETS:
            note = axes.annotate(
                label, (x, y), xytext=(dx, dy), textcoords="offset points",
                ha="left" if dx > 0 else "right", **text,
            )  # fmt: skip
            box = note.get_window_extent(renderer)
            cost = sum(_overlap(box, other) for other in placed) + 10 * _outside(box, frame)
            if cost < best_cost:
                if best is not None:
                    best.remove()
                best, best_cost = note, cost
            else:
                note.remove()
            if cost == 0:
                break
        assert best is not None
        placed.append(best.get_window_extent(renderer))


def _overlap(a: Any, b: Any) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def _outside(box: Any, frame: Any) -> float:
    """The area of ``box`` beyond ``frame``."""
    return box.width * box.height - _overlap(box, frame)
