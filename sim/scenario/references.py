"""Cross-reference checks the field types cannot express: unique ids, resolvable refs."""

from __future__ import annotations

from collections.abc import Iterable

from sim.scenario import schema
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

RESERVED_DELIVERY_IDS = frozenset(
    {"rounds", "interdicted", "shipments", "made", "containers", "replication", "variant",
     "day", "date", "supplier"}
)  # fmt: skip
"""Names a counted delivery may not take: its supplier's record and table use them."""

ENTITY_LISTS = (  # the scenario's lists of entries with ids
    "munitions",
    "sides",
    "producers",
    "stockpiles",
    "importers",
    "depots",
    "links",
    "front_units",
    "tube_types",
    "gun_parks",
    "strikes",
    "events",
    "checkpoints",
)


def _unique(file: str, where: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise ScenarioError(file, f"{where}.{ident}", "duplicate id")
        seen.add(ident)


def check_references(s: Scenario, file: str) -> None:
    """Raise ``ScenarioError`` at the first id that is repeated or does not resolve."""
    for name in ENTITY_LISTS:
        _unique(file, name, (entry.id for entry in getattr(s, name)))
    for importer in s.importers:
        _unique(file, f"importers.{importer.id}.routes", (r.id for r in importer.routes))
        _unique(file, f"importers.{importer.id}.payments", (p.id for p in importer.payments))
        _unique(file, f"importers.{importer.id}.deliveries", (d.id for d in importer.deliveries))
        for item in importer.deliveries:
            if item.id in RESERVED_DELIVERY_IDS:
                raise ScenarioError(
                    file,
                    f"importers.{importer.id}.deliveries.{item.id}",
                    "a name of the supplier's own record or table; choose another id",
                )
    for park in s.gun_parks:
        _unique(file, f"gun_parks.{park.id}.imports", (j.id for j in park.imports))

    sides = {side.id for side in s.sides}
    munitions = {m.id for m in s.munitions}
    depot_side = {d.id: d.side for d in s.depots}

    def need_side(where: str, side: str) -> None:
        if side not in sides:
            raise ScenarioError(file, where, f"unknown side {side!r}")

    def need_depot(where: str, depot: str, side: str) -> None:
        if depot not in depot_side:
            raise ScenarioError(file, where, f"unknown depot {depot!r}")
        if depot_side[depot] != side:
            raise ScenarioError(file, where, f"depot {depot!r} belongs to another side")

    def need_munitions(where: str, keys: Iterable[str]) -> None:
        for key in keys:
            if key not in munitions:
                raise ScenarioError(file, f"{where}.{key}", f"unknown munition {key!r}")

    for p in s.producers:
        where = f"producers.{p.id}"
        need_side(f"{where}.side", p.side)
        need_depot(f"{where}.ship_to", p.ship_to, p.side)
        need_munitions(f"{where}.rounds_per_day", p.rounds_per_day)
        for i, point in enumerate(p.ramp):
            need_munitions(f"{where}.ramp.{i}.rounds_per_day", point.rounds_per_day)
    for st in s.stockpiles:
        where = f"stockpiles.{st.id}"
        need_side(f"{where}.side", st.side)
        need_depot(f"{where}.ship_to", st.ship_to, st.side)
        need_munitions(f"{where}.stock_rounds", st.stock_rounds)
        need_munitions(f"{where}.refurbish_rounds_per_day", st.refurbish_rounds_per_day)
    for imp in s.importers:
        where = f"importers.{imp.id}"
        need_side(f"{where}.side", imp.side)
        need_munitions(f"{where}.stock_rounds", imp.stock_rounds)
        need_munitions(f"{where}.reserve_rounds", imp.reserve_rounds)
        need_munitions(f"{where}.production_rounds_per_day", imp.production_rounds_per_day)
        for i, point in enumerate(imp.production_ramp):
            need_munitions(f"{where}.production_ramp.{i}.rounds_per_day", point.rounds_per_day)
        if imp.rework_at is not None:
            line = next((x for x in s.stockpiles if x.id == imp.rework_at), None)
            if line is None:
                problem = f"unknown stockpile {imp.rework_at!r}"
            elif line.side != imp.side:
                problem = f"stockpile {imp.rework_at!r} belongs to another side"
            else:
                problem = ""
            if problem:
                raise ScenarioError(file, f"{where}.rework_at", problem)
        for route in imp.routes:
            rwhere = f"{where}.routes.{route.id}"
            need_depot(f"{rwhere}.ship_to", route.ship_to, imp.side)
            need_munitions(f"{rwhere}.munition_shares", route.munition_shares)
            need_munitions(f"{rwhere}.rounds_per_container", route.rounds_per_container)
    for d in s.depots:
        need_side(f"depots.{d.id}.side", d.side)
        need_munitions(f"depots.{d.id}.stock_rounds", d.stock_rounds)
    _check_links(s, file, need_depot, depot_side)
    unit_side = {u.id: u.side for u in s.front_units}
    for u in s.front_units:
        where = f"front_units.{u.id}"
        need_side(f"{where}.side", u.side)
        need_depot(f"{where}.depot", u.depot, u.side)
        if len(set(u.faces)) != len(u.faces):
            twice = sorted({e for e in u.faces if u.faces.count(e) > 1})
            raise ScenarioError(file, f"{where}.faces", f"{twice[0]!r} is listed twice")
        for enemy in u.faces:
            if enemy not in unit_side:
                raise ScenarioError(file, f"{where}.faces", f"unknown front unit {enemy!r}")
            if unit_side[enemy] == u.side:
                raise ScenarioError(file, f"{where}.faces", f"{enemy!r} is on its own side")
        need_munitions(f"{where}.base_rounds_per_day", u.base_rounds_per_day)
        need_munitions(f"{where}.stock_rounds", u.stock_rounds)
    _check_guns(s, file, need_side)
    if s.sanctions.target_side is not None:
        need_side("sanctions.target_side", s.sanctions.target_side)
    for c in s.strikes:
        need_side(f"strikes.{c.id}.target_side", c.target_side)
        for depot in c.depots or []:
            need_depot(f"strikes.{c.id}.depots", depot, c.target_side)
        _check_strike_means(c, file, munitions, depot_side)
    for cp in s.checkpoints:
        _check_checkpoint(s, cp, file, need_side, munitions)
    cutoff = s.scenario.calibration_end
    if cutoff is not None and not s.scenario.start_date <= cutoff <= s.end_date:
        raise ScenarioError(file, "scenario.calibration_end", "outside the scenario's dates")
    for name, overrides in s.variants.items():
        for path in overrides:
            if path.split(".")[0] in {"variants", "scenario.name"}:
                raise ScenarioError(file, f"variants.{name}.{path}", "cannot be overridden")


def _check_guns(s: Scenario, file: str, need_side) -> None:
    """Tube types are known where named; a side has at most one gun park; a unit holds
    tubes of every type that fires what it fires (0 where it has none)."""
    tube_types = {t.id for t in s.tube_types}

    def need_tube_types(where: str, keys: Iterable[str]) -> None:
        for key in keys:
            if key not in tube_types:
                raise ScenarioError(file, f"{where}.{key}", f"unknown tube type {key!r}")

    fired_by = {m.id: m.tube_type for m in s.munitions}
    for m in s.munitions:
        if m.tube_type is not None and m.tube_type not in tube_types:
            raise ScenarioError(
                file, f"munitions.{m.id}.tube_type", f"unknown tube type {m.tube_type!r}"
            )
    for u in s.front_units:
        need_tube_types(f"front_units.{u.id}.tubes", u.tubes)
        need_tube_types(f"front_units.{u.id}.establishment_tubes", u.establishment_tubes)
        for munition in u.base_rounds_per_day:
            tube = fired_by[munition]
            if tube is not None and tube not in u.tubes and tube not in u.establishment_tubes:
                raise ScenarioError(
                    file,
                    f"front_units.{u.id}.tubes",
                    f"no {tube} tubes for the {munition} it fires (0 if it has none)",
                )
    parks: set[str] = set()
    for park in s.gun_parks:
        where = f"gun_parks.{park.id}"
        need_side(f"{where}.side", park.side)
        if park.side in parks:
            raise ScenarioError(file, f"{where}.side", f"side {park.side!r} has a gun park")
        parks.add(park.side)
        for name in ("reserve_tubes", "stored_tubes", "reactivated_tubes_per_day",
                     "new_tubes_per_day", "spare_barrels", "barrels_per_day",
                     "rebarrel_tubes_per_day", "tubes_lost_per_day"):  # fmt: skip
            need_tube_types(f"{where}.{name}", getattr(park, name))
        suppliers = {imp.id: imp.side for imp in s.importers}
        for tubes in park.imports:
            iwhere = f"{where}.imports.{tubes.id}"
            need_tube_types(f"{iwhere}.tubes_per_day", tubes.tubes_per_day)
            if tubes.supplier is None:
                continue
            if tubes.supplier not in suppliers:
                raise ScenarioError(
                    file, f"{iwhere}.supplier", f"unknown importer {tubes.supplier!r}"
                )
            if suppliers[tubes.supplier] != park.side:
                raise ScenarioError(
                    file, f"{iwhere}.supplier", "the importer supplies another side"
                )


def _check_links(s: Scenario, file: str, need_depot, depot_side: dict[str, str]) -> None:
    """Links join depots of one side into a forest: one inbound link per depot, no cycle."""
    upstream: dict[str, str] = {}
    for link in s.links:
        where = f"links.{link.id}"
        need_depot(f"{where}.from", link.from_depot, depot_side.get(link.from_depot, ""))
        need_depot(f"{where}.to", link.to_depot, depot_side[link.from_depot])
        if link.from_depot == link.to_depot:
            raise ScenarioError(file, where, "a link must join two different depots")
        if link.to_depot in upstream:
            raise ScenarioError(
                file, f"{where}.to", f"depot {link.to_depot!r} already has a link in"
            )
        upstream[link.to_depot] = link.from_depot
    for start in upstream:
        node, seen = start, {start}
        while node in upstream:
            node = upstream[node]
            if node in seen:
                raise ScenarioError(file, "links", f"links form a cycle through {start!r}")
            seen.add(node)


def _check_checkpoint(s: Scenario, cp, file: str, need_side, munitions: set[str]) -> None:
    """A checkpoint names known sides, munition and supplier, inside the scenario's dates."""
    where = f"checkpoints.{cp.id}"
    need_side(f"{where}.side", cp.side)
    if cp.munition is not None and cp.munition not in munitions:
        raise ScenarioError(file, f"{where}.munition", "unknown munition")
    if cp.other_side is not None:
        need_side(f"{where}.other_side", cp.other_side)
    if cp.importer is not None:
        sides = {imp.id: imp.side for imp in s.importers}
        if cp.importer not in sides:
            raise ScenarioError(file, f"{where}.importer", f"unknown importer {cp.importer!r}")
        if sides[cp.importer] != cp.side:
            raise ScenarioError(file, f"{where}.importer", "the importer supplies another side")
        supplier = next(imp for imp in s.importers if imp.id == cp.importer)
        if cp.payment is not None and cp.payment not in {p.id for p in supplier.payments}:
            raise ScenarioError(
                file, f"{where}.payment", f"{cp.importer!r} takes no payment {cp.payment!r}"
            )
    first, last = s.scenario.start_date, s.end_date
    for name in ("start_date", "end_date", "base_start_date", "base_end_date"):
        if getattr(cp, name) is not None and not first <= getattr(cp, name) <= last:
            raise ScenarioError(
                file, f"{where}.{name}", f"outside the scenario's dates ({first} to {last})"
            )


def _check_strike_means(
    c: schema.StrikeCampaign, file: str, munitions: set[str], depot_side: dict[str, str]
) -> None:
    """A campaign that spends a munition launches it from a depot of the striking side."""
    where = f"strikes.{c.id}"
    if c.munition is None:
        if c.from_depot is not None:
            raise ScenarioError(file, f"{where}.from_depot", "needs a munition to launch")
        return
    if c.munition not in munitions:
        raise ScenarioError(file, f"{where}.munition", f"unknown munition {c.munition!r}")
    if c.from_depot is None:
        raise ScenarioError(
            file,
            f"{where}.from_depot",
            "a campaign that spends a munition needs the depot that holds it",
        )
    if c.from_depot not in depot_side:
        raise ScenarioError(file, f"{where}.from_depot", f"unknown depot {c.from_depot!r}")
    if depot_side[c.from_depot] == c.target_side:
        raise ScenarioError(
            file, f"{where}.from_depot", f"depot {c.from_depot!r} is on the side it strikes"
        )
