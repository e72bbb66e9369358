"""The intervals every paired comparison reports: the mean of paired differences and
its two-sided Student's t-interval."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CONFIDENCE = 0.95


def t_interval(
    differences: Sequence[float] | np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Mean of the differences and its two-sided t-interval: ``(mean, low, high)``.

    NaN values are left out. With fewer than two values the interval is NaN; with
    identical values it has zero width.

    Example:
        >>> mean, low, high = t_interval([1.0, 2.0, 3.0])
        >>> mean, round(low, 3), round(high, 3)
        (2.0, -0.484, 4.484)
    """
    values = np.asarray(differences, dtype=np.float64)
    values = values[~np.isnan(values)]
    n = values.size
    if n == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if n < 2:
        return mean, np.nan, np.nan
    half = half_width(np.array([values.std(ddof=1)]), np.array([n]), confidence)[0]
    return mean, float(mean - half), float(mean + half)


def half_width(sd: np.ndarray, n: np.ndarray, confidence: float) -> np.ndarray:
    """Half-width of the t-interval of a mean, from the sample SD and size."""
    from scipy import stats  # here, not at the top: it slows every command's start by ~1 s

    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        quantile = stats.t.ppf(0.5 + confidence / 2, n - 1)
        return np.where(n >= 2, quantile * np.asarray(sd) / np.sqrt(n), np.nan)
