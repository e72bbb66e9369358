"""The bargain, by calendar year: what each paid supplier was paid and shipped, and the
rounds that went through rework (``bargain.csv``, and a section of the report).

One row per variant × year × supplier × item, each the mean over replications: a
payment made (in its unit, and in US dollars at its ``value_usd``), what of it went
beyond a sanctions cap, the rounds the supplier shipped and made, its counted deliveries;
and per side the rounds sent to rework, reworked, and discarded there.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.experiments.runner import SUPPLIER_COLUMNS

BARGAIN_COLUMNS = ("variant", "year", "supplier", "item", "unit", "value", "usd")
REWORK_ITEMS = {
    "rework_received": "rounds sent to rework",
    "reworked": "rounds reworked",
    "rework_discarded": "rounds discarded in rework",
}


def _yearly(frame: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    """Sums by replication, variant, year and ``keys``, then the mean over replications."""
    frame = frame.assign(year=pd.to_datetime(frame["date"]).dt.year)
    by = ["replication", "variant", "year", *keys]
    sums = frame.groupby(by, observed=True)[values].sum().reset_index()
    return sums.groupby(["variant", "year", *keys], observed=True)[values].mean().reset_index()


def _terms(info: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each variant's payments, ``(variant, "supplier.kind")`` → its terms."""
    out = {}
    for variant, scenario in info.get("resolved_parameters", {}).items():
        for importer in scenario.get("importers", []):
            for payment in importer.get("payments", []):
                out[(variant, f"{importer['id']}.{payment['id']}")] = payment
    return out


def bargain_by_year(tables: dict[str, Any]) -> pd.DataFrame:
    """The bargain's table (``BARGAIN_COLUMNS``) from a run's tables; empty where no
    supplier is paid and nothing is reworked."""
    rows: list[pd.DataFrame] = []
    payments = tables.get("payments")
    paid_by: set[str] = set()
    if payments is not None and not payments.empty:
        terms = _terms(tables["manifest"])
        made = _yearly(payments, ["payment"], ["payment_made", "payment_over_cap"])
        lines = []
        for row in made.itertuples(index=False):
            term = terms.get((row.variant, row.payment), {})
            supplier, kind = str(row.payment).split(".", 1)
            paid_by.add(supplier)
            unit, value = term.get("unit", ""), float(term.get("value_usd", 0.0))
            usd = row.payment_made * value
            lines.append([row.variant, row.year, supplier, f"paid: {kind}", unit,
                          row.payment_made, usd])  # fmt: skip
            lines.append([row.variant, row.year, supplier, "paid: all, in US dollars", "usd",
                          usd, usd])  # fmt: skip
            if term.get("cap_per_year") is not None:
                over = row.payment_over_cap
                lines.append([row.variant, row.year, supplier, f"paid beyond the cap: {kind}",
                              unit, over, over * value])  # fmt: skip
        paid = pd.DataFrame(lines, columns=list(BARGAIN_COLUMNS))
        keys = ["variant", "year", "supplier", "item", "unit"]
        rows.append(paid.groupby(keys, sort=False, as_index=False)[["value", "usd"]].sum())
    suppliers = tables.get("suppliers")
    if suppliers is not None and not suppliers.empty and paid_by:
        mine = suppliers[suppliers["supplier"].astype(str).isin(paid_by)]
        items = [c for c in mine.columns if c not in SUPPLIER_COLUMNS]
        shipped = _yearly(mine, ["supplier"], ["rounds", "made", *items])
        long = shipped.melt(["variant", "year", "supplier"], var_name="quantity")
        names = {"rounds": "rounds shipped", "made": "rounds made"}
        long["item"] = long["quantity"].map(lambda q: names.get(q, f"delivered: {q}"))
        long["unit"] = long["quantity"].map(lambda q: "rounds" if q in names else "items")
        long["usd"] = float("nan")
        rows.append(long[list(BARGAIN_COLUMNS)])
    series = tables.get("timeseries")
    if series is not None and "rework_received" in series and series["rework_received"].any():
        reworking = series.groupby("side", observed=True)["rework_received"].sum()
        series = series[series["side"].isin(reworking.index[reworking > 0])]
        rework = _yearly(series, ["side"], list(REWORK_ITEMS))
        long = rework.melt(["variant", "year", "side"], list(REWORK_ITEMS), "item", "value")
        long = long.assign(
            supplier=lambda f: "side " + f["side"].astype(str),
            item=lambda f: f["item"].map(REWORK_ITEMS),
            unit="rounds",
            usd=float("nan"),
        )
        rows.append(long[list(BARGAIN_COLUMNS)])
    if not rows:
        return pd.DataFrame(columns=list(BARGAIN_COLUMNS))
    return pd.concat(rows, ignore_index=True)


def bargain_for_display(table: pd.DataFrame, variants: list[str]) -> pd.DataFrame:
    """The bargain's table as the report shows it: a row per supplier and item, a column
    per variant and year (dollars beside the paid ones)."""
    shown = table[table["variant"].isin(variants)].copy()
    shown["variant"] = pd.Categorical(shown["variant"], categories=variants)
    wide = shown.pivot_table(
        index=["supplier", "item", "unit"], columns=["variant", "year"], values="value",
        aggfunc="sum", observed=True,
    )  # fmt: skip
    wide.columns = [f"{variant} {year}" for variant, year in wide.columns]
    return wide.reset_index()
