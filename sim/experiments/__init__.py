"""Experiments: replications, comparisons and sweeps over batches of members."""

from sim.experiments.runner import RunTables, replication_seeds, run, run_variants, simulate

__all__ = ["RunTables", "replication_seeds", "run", "run_variants", "simulate"]
