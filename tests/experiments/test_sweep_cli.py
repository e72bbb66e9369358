"""End-to-end: ``munsim sweep`` in a subprocess on the tutorial scenario.

One small Sobol sweep (80 members, 10 batches of 8, 90 days) serves as the reference;
the same sweep with another worker count, on a Dask cluster, or killed and resumed must
give the same ``results.parquet``, byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import sobol
from sweep_support import ROOT, SOBOL, write

from sim.outputs.results import read_run
from tests.support import munsim

pytestmark = pytest.mark.slow

PLANNED = [(s, r) for s in range(40) for r in range(2)]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _finished(done: subprocess.CompletedProcess) -> Path:
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip().splitlines()[-1])
    assert folder.is_dir()
    return folder


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    file = write(folder, SOBOL)
    return file, _finished(munsim("sweep", file, "--workers", "2", "--out", folder / "runs"))


def test_the_run_folder_holds_results_indices_figures_and_report(reference):
    _, folder = reference
    names = {p.name for p in folder.iterdir()}
    assert {"results.parquet", "sensitivity.csv", "manifest.json", "report.html"} <= names
    assert "shards" not in names and not any(
        p.name.endswith(".partial") for p in folder.parent.iterdir()
    )
    run = read_run(folder)
    results = run["results"]
    assert list(zip(results["sample"], results["replication"], strict=True)) == PLANNED
    assert list(results.columns[:6]) == [
        "sample",
        "replication",
        "seed",
        "importers.dprk.routes.sea.rounds_per_container.shell_152",
        "depots.forward.throughput_rounds_per_day",
        "importers.dprk.start_date",
    ]
    assert results["error"].isna().all()
    manifest = run["manifest"]
    assert manifest["members"] == 80 and manifest["failed_members"] == 0
    assert manifest["replication_seeds"] == sorted(
        set(results["seed"]), key=list(results["seed"]).index
    )
    figures = sorted(p.name for p in (folder / "figures").iterdir())
    assert any(name.startswith("sobol_") for name in figures)
    assert any(name.startswith("scatter_") for name in figures)
    report = (folder / "report.html").read_text()
    assert report.count("data:image/png;base64,") == len([f for f in figures if f.endswith(".png")])
    for name in figures:  # each figure as PNG, SVG and PDF
        stem = name.rsplit(".", 1)[0]
        assert {f"{stem}.{kind}" for kind in ("png", "svg", "pdf")} <= set(figures)
    assert "What matters most" in report


def test_sobol_indices_match_salib_on_the_results_table(reference):
    _, folder = reference
    run = read_run(folder)
    analysis = run["manifest"]["analysis"]
    sensitivity = run["sensitivity"]
    for output in [o["name"] for o in run["manifest"]["outputs"]]:
        y = run["results"].groupby("sample")[output].mean().to_numpy()
        expected = sobol.analyze(
            analysis["problem"],
            y,
            calc_second_order=False,
            num_resamples=analysis["num_resamples"],
            conf_level=analysis["conf_level"],
            seed=analysis["seed"],
        )
        ours = sensitivity[sensitivity["output"] == output]
        for index in ("S1", "ST"):
            rows = ours[ours["index"] == index].set_index("parameter")
            rows = rows.loc[analysis["problem"]["names"]]
            np.testing.assert_allclose(rows["value"], expected[index], rtol=1e-12)
            np.testing.assert_allclose(rows["conf"], expected[f"{index}_conf"], rtol=1e-12)
    # imports arrive at the arsenal whatever the forward depot's throughput: with common
    # random numbers its total effect is exactly zero, and the shipment size dominates
    imports = sensitivity[sensitivity["output"].str.startswith("imports_arrived_total")]
    total = imports[imports["index"] == "ST"].set_index("parameter")["value"]
    assert total["depots.forward.throughput_rounds_per_day"] == 0.0
    assert total.idxmax() == "importers.dprk.routes.sea.rounds_per_container.shell_152"
    assert not analysis["notes"]


def test_one_worker_gives_the_same_bytes(reference, tmp_path):
    file, folder = reference
    again = _finished(munsim("sweep", file, "--workers", "1", "--out", tmp_path))
    assert _sha(again / "results.parquet") == _sha(folder / "results.parquet")
    assert (again / "sensitivity.csv").read_text() == (folder / "sensitivity.csv").read_text()


def test_a_dask_cluster_gives_the_same_bytes(reference, tmp_path):
    from distributed import LocalCluster

    file, folder = reference
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        done = munsim("sweep", file, "--scheduler", cluster.scheduler_address, "--out", tmp_path)
        again = _finished(done)
    assert _sha(again / "results.parquet") == _sha(folder / "results.parquet")
    attempts = read_run(again)["manifest"]["attempts"]
    assert attempts[0]["backend"] == "dask" and attempts[0]["workers"] == 2


def _start_until_shards(file: Path, out: Path, shards: int) -> subprocess.Popen:
    """Start a 2-worker sweep in its own process group; return once ``shards`` are written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", str(file), "--workers", "2", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while len(list(out.glob(".*.partial/shards/batch-*.parquet"))) < shards:
        assert time.monotonic() < deadline and process.poll() is None, "no shards came"
        time.sleep(0.01)
    return process


def _group_ends(group: int, seconds: float = 10.0) -> bool:
    """Whether every process of ``group`` (the sweep's workers) is gone within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    os.killpg(group, signal.SIGKILL)
    return False


def test_killed_sweep_resumes_without_redoing_or_dropping_a_member(reference, tmp_path):
    file, folder = reference
    out = tmp_path / "runs"
    process = _start_until_shards(file, out, shards=2)
    os.kill(process.pid, signal.SIGKILL)  # no clean-up at all
    process.communicate()
    assert _group_ends(process.pid), "worker processes outlived the killed sweep"
    partial = next(out.glob(".*.partial"))
    written = sorted((partial / "shards").glob("batch-*.parquet"))
    assert 2 <= len(written) < 10, "the sweep should be killed part-way"
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]  # no run folder yet

    # what a kill mid-write would leave, and a shard cut short under its final name
    (partial / "shards" / f".{written[0].name}.999.tmp").write_bytes(b"PAR1 half")
    cut = written[-1].read_bytes()
    written[-1].write_bytes(cut[: len(cut) // 2])
    kept = len(written) - 1

    done = munsim("sweep", file, "--resume", partial, "--workers", "2")
    resumed = _finished(done)
    assert f"({80 - 8 * kept} to run)" in done.stderr  # only the missing batches ran
    assert resumed.parent == out and not partial.exists()
    results = pd.read_parquet(resumed / "results.parquet")
    assert list(zip(results["sample"], results["replication"], strict=True)) == PLANNED
    assert _sha(resumed / "results.parquet") == _sha(folder / "results.parquet")
    assert len(read_run(resumed)["manifest"]["attempts"]) == 2


def test_resume_refuses_another_experiment(reference, tmp_path):
    file, _ = reference
    partial = tmp_path / ".tutorial-sweep-x.partial"
    partial.mkdir()
    (partial / "sweep.json").write_text('{"experiment_identity": "something else"}')
    done = munsim("sweep", file, "--resume", partial)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {partial}: was started from a different experiment")
    assert len(done.stderr.strip().splitlines()) == 1


def test_ctrl_c_stops_the_workers_and_says_how_to_resume(reference, tmp_path):
    file, _ = reference
    out = tmp_path / "runs"
    process = _start_until_shards(file, out, shards=1)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    partial = next(out.glob(".*.partial"))
    assert f"--resume {partial}" in stderr
    assert "Traceback" not in stderr and stdout == ""
    assert _group_ends(process.pid)
