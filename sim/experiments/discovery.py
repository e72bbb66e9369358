"""Scenario discovery and robustness over a table of samples (``samples.parquet`` of
``compare --uncertainty``, or a sweep's ``results.parquet``).

``discover`` finds, with PRIM (the Patient Rule Induction Method of ``ema_workbench``),
the box of inputs where a case of interest happens ("the DPRK effect above 5,000 rounds
a day"): each sample's outputs are averaged over its replications, the case is true or
false per sample, and the box is the peeling step with the highest coverage among those
dense enough (``density``, default 0.8), else the densest. It is reported with its
coverage (the share of the case's samples inside it), density (the share of the box's
samples in the case) and each restricted input's range against the range sampled,
strongest first, with its quasi-p-value (how likely a box without that restriction
would be as dense by chance); above ``SIGNIFICANCE`` (0.05) it is said to be weak.

``robustness`` tabulates, per variant, an output's spread over the samples, its regret
(how far short of the best variant of the same sample it falls) and the share of
samples meeting a threshold.

Example:
    >>> case = parse_case("diff.fire_2024.RU > 5000")
    >>> case.column, case.above, case.value
    ('diff.fire_2024.RU', True, 5000.0)
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

KEYS = ("sample", "replication", "seed", "variant", "error")
DENSITY = 0.8
SIGNIFICANCE = 0.05
_CASE = re.compile(r"^\s*(?P<column>[^<>=\s]+)\s*(?P<op>[<>])\s*(?P<value>[-+0-9.eE_,]+)\s*$")


class CaseError(ValueError):
    """A case of interest that does not read as ``COLUMN > VALUE`` or ``COLUMN < VALUE``."""


@dataclass(frozen=True)
class Case:
    """A case of interest: an output above (or below) a value."""

    column: str
    above: bool
    value: float

    def __str__(self) -> str:
        return f"{self.column} {'>' if self.above else '<'} {self.value:g}"

    def holds(self, values: pd.Series) -> np.ndarray:
        return (values > self.value if self.above else values < self.value).to_numpy()


def parse_case(text: str) -> Case:
    """``"COLUMN > VALUE"`` or ``"COLUMN < VALUE"`` as a ``Case``."""
    found = _CASE.match(text)
    if not found:
        raise CaseError(f"expected OUTPUT>VALUE or OUTPUT<VALUE, got {text!r}")
    try:
        value = float(found["value"].replace("_", "").replace(",", ""))
    except ValueError:
        raise CaseError(f"{found['value']!r} is not a number") from None
    return Case(found["column"], found["op"] == ">", value)


def per_sample(table: pd.DataFrame, variant: str | None = None) -> pd.DataFrame:
    """One row per sample: inputs as sampled, outputs averaged over the replications."""
    rows = table if variant is None else table[table["variant"] == variant]
    if "error" in rows:
        rows = rows[rows["error"].isna()]
    values = rows.drop(columns=[c for c in KEYS if c in rows.columns and c != "sample"])
    return values.groupby("sample", sort=True).mean(numeric_only=True)


@dataclass
class Discovery:
    """PRIM's box for a case: its statistics and the restricted inputs."""

    case: Case
    variant: str | None
    samples: int
    in_case: int
    coverage: float
    density: float
    mass: float
    limits: pd.DataFrame  # input, low, high, sampled_low, sampled_high, qp_value
    trajectory: pd.DataFrame

    def sentences(self) -> list[str]:
        """The box in words."""
        where = f" ({self.variant})" if self.variant else ""
        first = (
            f"{self.case}{where} holds in {self.in_case} of {self.samples} samples. "
            f"PRIM's box holds {self.coverage:.0%} of them (coverage) and, of the samples "
            f"in it, {self.density:.0%} are in the case (density); it spans "
            f"{self.mass:.0%} of the samples."
        )
        lines = [first]
        for row in self.limits.itertuples():
            weak = (
                f"; weak, quasi-p {row.qp_value:.2g}" if row.qp_value > SIGNIFICANCE
                else f"; quasi-p {row.qp_value:.2g}"
            )  # fmt: skip
            lines.append(
                f"  {row.input} from {_readable(row.low)} to {_readable(row.high)} "
                f"(sampled {_readable(row.sampled_low)} to {_readable(row.sampled_high)}{weak})"
            )
        if self.limits.empty:
            lines.append("  no input restricts it: the case is not confined to a region")
        return lines


def discover(
    table: pd.DataFrame,
    case: str | Case,
    inputs: list[str] | None = None,
    *,
    variant: str | None = None,
    density: float = DENSITY,
) -> Discovery:
    """PRIM over ``table`` (a samples or results table) for ``case``.

    Args:
        inputs: the input columns (default: every column that is neither a key nor an
            output, i.e. numeric and constant within each sample).
        variant: with a samples table of several variants, the variant's rows (default:
            the second variant where the case is a paired difference, else the first).
        density: the box chosen is the one with the highest coverage among those at
            least this dense.
    """
    with warnings.catch_warnings():  # it warns of optional parts it does without
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim  # here: it takes a second to import

    chosen = parse_case(case) if isinstance(case, str) else case
    if variant is None and "variant" in table.columns:
        names = list(dict.fromkeys(table["variant"]))
        variant = names[1] if chosen.column.startswith("diff.") and len(names) > 1 else names[0]
    rows = per_sample(table, variant)
    if chosen.column not in rows.columns:
        raise CaseError(f"no output {chosen.column!r} in the table")
    columns = inputs if inputs is not None else input_columns(table)
    x = rows[columns].astype(np.float64)
    x = x.loc[:, x.nunique() > 1]
    x = x.loc[:, ~x.T.duplicated()]  # the paths of one uncertainty take one value: keep one
    y = chosen.holds(rows[chosen.column])
    if not y.any() or y.all():
        raise CaseError(
            f"{chosen} holds in {int(y.sum())} of {len(y)} samples: PRIM needs both kinds"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x.reset_index(drop=True), y)
        box = finder.find_box()
    assert box is not None
    trajectory = box.peeling_trajectory.copy()
    dense = trajectory[trajectory["density"] >= density]
    pick = int(
        dense.sort_values(["coverage", "density"], ascending=False).index[0]
        if not dense.empty
        else trajectory["density"].idxmax()
    )
    box.select(pick)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats, limits = box.inspect(style="data")[0]
    limits.columns = ["low", "high", "qp_low", "qp_high"]
    restricted = limits[limits[["qp_low", "qp_high"]].notna().any(axis=1)]
    found = pd.DataFrame(
        {
            "input": restricted.index,
            "low": restricted["low"].to_numpy(),
            "high": restricted["high"].to_numpy(),
            "sampled_low": x[restricted.index].min().to_numpy(),
            "sampled_high": x[restricted.index].max().to_numpy(),
            "qp_value": restricted[["qp_low", "qp_high"]].min(axis=1).to_numpy(),
        }
    )
    found = found.sort_values("qp_value", kind="stable").reset_index(drop=True)
    return Discovery(
        chosen, variant, len(y), int(y.sum()), float(stats["coverage"]), float(stats["density"]),
        float(stats["mass"]), found, trajectory,
    )  # fmt: skip


def _readable(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def input_columns(table: pd.DataFrame) -> list[str]:
    """The columns of a samples or results table that hold sampled inputs: numeric, not a
    key, and the same in every row of a sample (outputs vary with the seed)."""
    numeric = [
        c
        for c in table.columns
        if c not in KEYS and not c.startswith("diff.") and table[c].dtype.kind in "iufb"
    ]
    constant = table.groupby("sample")[numeric].nunique().max() <= 1
    return [c for c in numeric if constant[c]] if len(table) else []


def robustness(
    table: pd.DataFrame, output: str, *, maximise: bool = True, threshold: float | None = None
) -> pd.DataFrame:
    """Per variant: ``output`` over the samples (median, 5th and 95th percentiles), the
    mean and largest regret (how far short of the best variant of the same sample), and
    the share of samples meeting ``threshold`` (above it when maximising, else below)."""
    wide = (table[table["error"].isna()] if "error" in table else table).pivot_table(
        index="sample", columns="variant", values=output, aggfunc="mean"
    )
    names = [v for v in dict.fromkeys(table["variant"]) if v in wide.columns]
    wide = wide[names]
    best = wide.max(axis=1) if maximise else wide.min(axis=1)
    regret = (best.to_numpy()[:, None] - wide.to_numpy()) * (1 if maximise else -1)
    rows = []
    for j, name in enumerate(names):
        values = wide[name]
        row = {
            "variant": name,
            "output": output,
            "samples": int(values.notna().sum()),
            "median": float(values.median()),
            "p05": float(values.quantile(0.05)),
            "p95": float(values.quantile(0.95)),
            "mean_regret": float(np.nanmean(regret[:, j])),
            "max_regret": float(np.nanmax(regret[:, j])),
        }
        if threshold is not None:
            met = values > threshold if maximise else values < threshold
            row["share_meeting_threshold"] = float(met.mean())
        rows.append(row)
    return pd.DataFrame(rows)
