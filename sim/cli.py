"""The ``munsim`` command: parse, call the Python API, print. No model logic here.

Exit codes: 0 success; 2 bad input (one line on stderr, ``error: FILE: KEY: problem``),
or an output folder that cannot be written, full, read-only or not a folder (``error:
FOLDER: problem``; what was half-written is removed);
1 an internal error (a bug), with a message that says so.
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import shutil
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from sim.engine.ledger import LedgerError
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import ShadowedOverride
from sim.scenario.paths import PathError, parse_assignment


class BadInput(Exception):
    """Bad command-line input that is not about a scenario key."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage problem as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {self.prog}: {message}\n")
        raise SystemExit(2)


def whole_number(file: str, option: str, text: str | None, low: int, high: int = 2**63) -> int:
    """An option's whole-number value in [low, high), or a ``ScenarioError`` naming it."""
    try:
        value = int(str(text))
    except ValueError:
        raise ScenarioError(file, option, f"must be a whole number, got {text!r}") from None
    if value < low:
        raise ScenarioError(file, option, f"must be at least {low}, got {value}")
    if value >= high:
        raise ScenarioError(file, option, f"must be below {high}, got {value}")
    return value


def _overrides(file: str, assignments: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for text in assignments:
        try:
            path, value = parse_assignment(text)
        except PathError as exc:
            raise ScenarioError(file, "--set", str(exc)) from None
        out[path] = value
    return out


def cmd_validate(args: argparse.Namespace) -> str | None:
    from sim.engine.model import SupplyModel
    from sim.experiments.parameters import uncertain_parameters
    from sim.experiments.wording import counted
    from sim.scenario.loader import check_variants
    from sim.scenario.references import ENTITY_LISTS

    scenarios = check_variants(args.scenario)
    for scenario in scenarios:
        SupplyModel([scenario], seeds=[0])  # building checks what only the model knows
    base = scenarios[0]
    columns, _ = uncertain_parameters(base, args.scenario)  # each at its extremes
    counts = ", ".join(
        counted(len(getattr(base, name)), name.replace("_", " ")) for name in ENTITY_LISTS
    )
    print(
        f"{args.scenario}: ok — {base.scenario.name}, {base.scenario.days} days from "
        f"{base.scenario.start_date}"
    )
    print(f"  {counts}")
    print(f"  variants: {', '.join(s.source.variant for s in scenarios)}")
    if base.uncertainties:
        print(f"  uncertainties: {len(base.uncertainties)} ({len(columns)} drawn independently)")
    return None


def _scenario_and_replications(args: argparse.Namespace):
    """The scenario (variant and ``--set`` applied), replications and seed of a command;
    a run too large for this machine's memory is refused here."""
    from sim.experiments.memory import require_memory
    from sim.scenario.loader import load_scenario

    reps = whole_number(args.scenario, "--reps", args.reps, 1)
    seed = None if args.seed is None else whole_number(args.scenario, "--seed", args.seed, 0)
    overrides = _overrides(args.scenario, args.set or [])
    scenario = load_scenario(args.scenario, variant=args.variant, overrides=overrides)
    require_memory(scenario, reps, args.scenario)
    return scenario, reps, seed


def cmd_run(args: argparse.Namespace) -> str:
    from sim.experiments.runner import run, utc_now
    from sim.outputs.results import write_run

    scenario, reps, seed = _scenario_and_replications(args)
    label = _label(args)
    started = utc_now()
    tables = run(scenario, reps=reps, seed=seed)
    folder = write_run(
        tables, args.out, command_name="run", started=started, finished=utc_now(), label=label
    )
    _print_summary(tables.summary)
    return str(folder)


def _print_summary(summary) -> None:
    columns = ["fired_total", "shortfall_total", "imports_arrived_total", "final_stock"]
    means = summary.groupby(["variant", "side", "munition"], sort=False)[columns].mean()
    print(means.round(0).astype("int64").to_string())


def cmd_compare(args: argparse.Namespace) -> str:
    from sim.engine.metrics import HEADLINE_METRICS
    from sim.experiments.compare import (
        compare,
        parse_variants,
        parse_window,
        require_replications,
    )
    from sim.experiments.runner import aggregate_rows, utc_now
    from sim.outputs.report import (
        comparison_headline,
        consequences_for_display,
        decomposition_for_display,
        paired_for_display,
        write_comparison,
    )

    variants = parse_variants(args.variants, args.scenario, "--variants") if args.variants else None
    reps = whole_number(args.scenario, "--reps", args.reps, 1)
    require_replications(reps, args.scenario, "--reps")
    seed = None if args.seed is None else whole_number(args.scenario, "--seed", args.seed, 0)
    started = utc_now()
    window = parse_window(args.window, args.scenario) if args.window else None
    overrides = _overrides(args.scenario, args.set or [])
    _require_compare_memory(args.scenario, variants, reps, overrides)
    label = _label(args)
    across: dict[str, Any] = {}
    if args.uncertainty is not None:
        across = _across_options(args)
    elif args.sample_reps or args.sampler or args.case or args.workers or args.scheduler:
        raise ScenarioError(
            args.scenario, "--uncertainty", "--sample-reps, --sampler, --case, --workers and "
            "--scheduler are options of the samples: give --uncertainty N",
        )  # fmt: skip
    result = compare(
        args.scenario, variants, reps=reps, seed=seed, window=window, overrides=overrides,
        log=lambda message: sys.stderr.write(message + "\n"), **across,
    )  # fmt: skip
    folder = write_comparison(result, args.out, started=started, finished=utc_now(), label=label)
    if "work" in across:
        shutil.rmtree(across["work"], ignore_errors=True)
    if result.across is not None:
        for note in result.across.run.settings["analysis"]["notes"]:
            sys.stderr.write(f"note: {note}\n")
    for sentence in comparison_headline(result):
        print(sentence)
    several = len(result.variants) > 2
    for b in result.variants[1:]:
        if several:
            print(f"== {result.variant_a} − {b} ==")
        against = {"variant_a": result.variant_a, "variant_b": b}
        paired = result.paired[result.paired["variant_b"] == b]
        totals = paired[aggregate_rows(paired)]
        shown = paired_for_display(totals, list(HEADLINE_METRICS)).drop(columns=["munition"])
        print(shown.to_string(index=False))
        if result.decomposition is not None:
            print("where the difference went:")
            parts = result.decomposition[result.decomposition["variant_b"] == b]
            print(decomposition_for_display(parts).drop(columns=["meaning"]).to_string(index=False))
        if result.consequences is not None:
            print("what the difference buys, on both sides:")
            bought = result.consequences[result.consequences["variant_b"] == b]
            print(consequences_for_display(bought, against).to_string(index=False))
    _print_bargain(Path(folder), result.variants)
    print(f"report: {folder / 'report.html'}")
    return str(folder)


def _require_compare_memory(
    file: str, variants: list[str] | None, reps: int, overrides: dict[str, Any]
) -> None:
    """Refuse a comparison too large for this machine's memory, before it starts."""
    from sim.experiments.memory import require_memory
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(file, overrides=overrides)  # the variants share its structure
    require_memory(scenario, reps, file, variants=len(variants) if variants else 2)


def _across_options(args: argparse.Namespace) -> dict[str, Any]:
    """``compare``'s and ``check``'s options of the samples; their finished batches are
    kept in a folder under ``--out`` named by the command, so a killed run resumes."""
    import hashlib

    file = args.scenario
    samples = whole_number(file, "--uncertainty", args.uncertainty, 2)
    found: dict[str, Any] = {"uncertainty": samples, "sampler": args.sampler or "lhs"}
    if getattr(args, "case", None) is not None:
        found["case"] = args.case
    if args.sample_reps is not None:
        found["sample_reps"] = whole_number(file, "--sample-reps", args.sample_reps, 1)
    if args.workers is not None:
        found["workers"] = whole_number(file, "--workers", args.workers, 1)
    found["scheduler"] = args.scheduler
    try:
        content = Path(file).read_bytes()
    except OSError:
        content = b""  # compare reports the missing file
    asked = {
        k: v
        for k, v in vars(args).items()
        if k not in ("func", "workers", "scheduler", "case", "accept", "label")
    }
    key = hashlib.sha256(content + repr(sorted(asked.items())).encode())
    name = f".{Path(file).stem}-uncertainty-{key.hexdigest()[:16]}.partial"
    found["work"] = Path(args.out) / name
    return found


def cmd_plot(args: argparse.Namespace) -> str:
    from sim.outputs.report import redraw

    folder = redraw(args.run_dir)
    print(f"redrew figures and report in place (tables untouched): {folder / 'report.html'}")
    return str(folder)


def _print_bargain(folder: Path, variants: list[str]) -> None:
    """The run folder's ``bargain.csv``, by year, where a supplier is paid."""
    import pandas as pd

    from sim.outputs.bargain import bargain_for_display

    if (folder / "bargain.csv").is_file():
        shown = bargain_for_display(pd.read_csv(folder / "bargain.csv"), variants)
        print("the bargain, by year (bargain.csv):")
        print(shown.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))


def cmd_check(args: argparse.Namespace) -> str:
    from sim.experiments.compare import default_variants
    from sim.experiments.predictive import ACCEPT, predictive_check, predictive_experiment
    from sim.experiments.runner import utc_now
    from sim.experiments.validation import check, check_lines
    from sim.outputs.results import write_check
    from sim.outputs.validation_report import predictive_lines

    scenario, reps, seed = _scenario_and_replications(args)
    file = args.scenario
    label = _label(args)
    experiment = None
    if args.uncertainty is not None:
        options = _across_options(args)
        accept = ACCEPT if args.accept is None else _share(file, "--accept", args.accept)
        checked = args.variant or "baseline"
        against = args.against or next(
            (name for name in default_variants(scenario, file) if name != checked), None
        )
        if against is None or against == checked:
            raise ScenarioError(file, "--against", "name a variant other than the checked one")
        if against not in scenario.variants:
            known = ", ".join(scenario.variants)
            raise ScenarioError(file, "--against", f"unknown variant {against!r} (known: {known})")
        experiment = predictive_experiment(
            file, [checked, against], samples=options["uncertainty"],
            reps=options.get("sample_reps"), seed=seed, sampler=options["sampler"],
            overrides=_overrides(file, args.set or []),
        )  # fmt: skip
    elif any(
        (args.sample_reps, args.sampler, args.workers, args.scheduler, args.against, args.accept)
    ):
        raise ScenarioError(
            file, "--uncertainty", "--sample-reps, --sampler, --against, --accept, --workers "
            "and --scheduler are options of the samples: give --uncertainty N",
        )  # fmt: skip
    started = utc_now()
    predictive = None
    if experiment is not None:  # first: a scheduler that cannot be reached says so at once
        predictive = predictive_check(
            experiment, options["work"], accept=accept, workers=options.get("workers"),
            scheduler=options.get("scheduler"), say=_say,
        )  # fmt: skip
    result = check(scenario, reps=reps, seed=seed)
    if predictive is not None:
        result.add_predictive(predictive)
    folder = write_check(result, args.out, started=started, finished=utc_now(), label=label)
    if experiment is not None:
        shutil.rmtree(options["work"], ignore_errors=True)
    # the bargain by year is in the folder's bargain.csv
    for line in check_lines(result):
        print(line)
    if result.predictive is not None:
        for line in predictive_lines(result.predictive):
            print(line)
    return str(folder)


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")


def _share(file: str, option: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= 1:
        raise ScenarioError(file, option, f"a share in (0, 1], got {text!r}")
    return value


def cmd_sweep(args: argparse.Namespace) -> str:
    from sim.outputs.sweeps import sweep

    def say(message: str) -> None:
        sys.stderr.write(message + "\n")

    workers = None
    if args.workers is not None:
        workers = whole_number(args.experiment, "--workers", args.workers, 1)
    done = sweep(
        args.experiment,
        out=args.out,
        workers=workers,
        scheduler=args.scheduler,
        resume=args.resume,
        log=say,
        command=" ".join(["munsim", *sys.argv[1:]]),
    )
    failed = done.manifest["failed_members"]
    if failed:
        say(f"{failed} of {done.manifest['members']} members failed; see the error column")
    for note in done.manifest["analysis"]["notes"]:
        say(f"note: {note}")
    _print_ranking(done)
    return str(done.folder)


def _print_ranking(done) -> None:
    from sim.experiments.sensitivity import ranking
    from sim.outputs.sweep_report import analysed, number

    index = done.manifest["analysis"]["headline_index"]
    for output in analysed(done.manifest):
        top = ranking(done.sensitivity, output["name"], index).head(5)
        if not top.empty:
            print(f"{output['name']} — {index} by parameter:")
            print(top.to_string(index=False, float_format=number))


def cmd_discover(args: argparse.Namespace) -> None:
    import pandas as pd

    from sim.experiments.discovery import CaseError, discover, input_columns
    from sim.experiments.uncertainty import named_inputs

    given = Path(args.table)
    found = [given / "samples.parquet", given / "results.parquet"] if given.is_dir() else [given]
    table_file = next((f for f in found if f.is_file()), None)
    if table_file is None:
        raise ScenarioError(
            args.table, "", "no samples.parquet or results.parquet (a comparison across the "
            "uncertainty, or a sweep)",
        )  # fmt: skip
    try:
        table = pd.read_parquet(table_file)
    except (OSError, ValueError) as exc:
        raise ScenarioError(str(table_file), "", f"not a table munsim wrote: {exc}") from None
    inputs = input_columns(table)
    manifest = table_file.parent / "manifest.json"
    if manifest.is_file():  # a comparison's: name each uncertainty by its id
        settings = (json.loads(manifest.read_text()).get("comparison") or {}).get("uncertainty")
        if settings:
            table = named_inputs(table, settings["uncertainty_columns"])
            inputs = list(settings["uncertainty_columns"])
    if args.variant is not None and args.variant not in set(table.get("variant", [])):
        raise ScenarioError(str(table_file), "--variant", f"no rows of variant {args.variant!r}")
    try:
        box = discover(table, args.case, inputs, variant=args.variant)
    except CaseError as exc:
        raise ScenarioError(str(table_file), "case", str(exc)) from None
    print("\n".join(box.sentences()))


def cmd_app(args: argparse.Namespace) -> None:
    from sim.app.serve import serve

    port = whole_number(args.scenario, "--port", args.port, 0)
    code = serve(args.scenario, args.host, port, args.out)
    if code:
        raise BadInput(f"{args.scenario}: the page's server stopped with exit code {code}")


def cmd_schema(args: argparse.Namespace) -> None:
    from sim.scenario.schema import Scenario

    print(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2))


def _scenario_run_options(p: argparse.ArgumentParser, *, reps: int) -> None:
    """The scenario argument and the options of a command that runs replications of it."""
    p.add_argument("scenario")
    p.add_argument("--variant", default=None, help="a [variants.NAME] table to apply")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="override a parameter")
    p.add_argument("--reps", default=str(reps), help=f"replications (default: {reps})")
    p.add_argument("--seed", default=None, help="master seed (default: the scenario's)")
    p.add_argument("--out", default="runs", help="parent folder of the run folder")
    _label_option(p)


def _sample_options(p: argparse.ArgumentParser) -> None:
    """The options of the samples across the uncertainty, as compare and check take them
    (each of them only with ``--uncertainty``; read by ``_across_options``)."""
    p.add_argument(
        "--sample-reps", default=None, metavar="R", help="replications of each sample (default: 5)"
    )
    p.add_argument("--sampler", default=None, help="of the samples: lhs (default) or sobol")
    p.add_argument("--workers", default=None, help="local worker processes for the samples")
    p.add_argument("--scheduler", default=None, help="a Dask scheduler for the samples")


def _label_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--label", default=None, metavar="NAME",
        help="names the run in its folder name and manifest (default: what --set changed)",
    )  # fmt: skip


def _label(args: argparse.Namespace) -> str | None:
    """``--label``, checked: it becomes part of a folder name."""
    from sim.outputs.results import LABEL

    if args.label is not None and not LABEL.match(args.label):
        raise ScenarioError(
            args.scenario, "--label", "letters, digits and _ . = + , - only, at most 80, "
            f"starting with a letter or digit; got {args.label!r}",
        )  # fmt: skip
    return args.label


def build_parser() -> argparse.ArgumentParser:
    from importlib.metadata import version

    from sim.experiments.runner import DEFAULT_REPS

    parser = _Parser(prog="munsim", description="Artillery-munitions supply under sanctions.")
    parser.add_argument("--version", action="version", version=f"munsim {version('munsim')}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check a scenario and its variants")
    p.add_argument("scenario")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("run", help="run replications of a scenario and write a run folder")
    _scenario_run_options(p, reps=DEFAULT_REPS)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "check", help="score replications of a scenario against its dated public checkpoints"
    )
    _scenario_run_options(p, reps=DEFAULT_REPS)
    p.add_argument(
        "--uncertainty", default=None, metavar="N",
        help="also score each checkpoint against the model's 90 %% band over N samples of "
        "the scenario's [[uncertainties]], and calibrate them on the in-sample checkpoints",
    )  # fmt: skip
    _sample_options(p)
    p.add_argument(
        "--against", default=None, metavar="VARIANT",
        help="the counterfactual whose effect is reported under prior and posterior "
        "(default: the scenario's other first variant, e.g. no_dprk)",
    )  # fmt: skip
    p.add_argument(
        "--accept", default=None, metavar="SHARE",
        help="the share of samples nearest the in-sample record kept as the posterior "
        "(default: 0.2)",
    )  # fmt: skip
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "compare", help="paired comparison of variants on the same seeds, with a report"
    )
    p.add_argument("scenario")
    p.add_argument(
        "--variants",
        default=None,
        metavar="A,B[,C...]",
        help="the variants to compare, each against the first, A − B (default: the "
        "scenario's first two)",
    )
    p.add_argument(
        "--reps", default=str(DEFAULT_REPS), help=f"paired replications (default: {DEFAULT_REPS})"
    )
    p.add_argument("--seed", default=None, help="master seed (default: the scenario's)")
    p.add_argument(
        "--window",
        default=None,
        metavar="FIRST:LAST",
        help="dates the metrics cover, e.g. 2024-01-01:2024-12-31 (default: the whole run)",
    )
    p.add_argument(
        "--set", action="append", metavar="PATH=VALUE",
        help="override a parameter in both variants (after each variant's own table)",
    )  # fmt: skip
    p.add_argument(
        "--uncertainty",
        default=None,
        metavar="N",
        help="also compare the variants at N samples of the scenario's [[uncertainties]]",
    )
    _sample_options(p)
    p.add_argument(
        "--case",
        default=None,
        metavar="OUTPUT>VALUE",
        help="a case of interest for PRIM, e.g. 'diff.fire_per_day.RU>3000'",
    )
    p.add_argument("--out", default="runs", help="parent folder of the run folder")
    _label_option(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "discover", help="PRIM: the inputs where a case of interest happens, in a table of samples"
    )
    p.add_argument("table", help="a run folder with samples.parquet or results.parquet, or one")
    p.add_argument("case", help="OUTPUT>VALUE or OUTPUT<VALUE, e.g. 'diff.fire_per_day.RU>3000'")
    p.add_argument("--variant", default=None, help="the variant's rows (default: as discover)")
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser(
        "plot",
        help="redraw a run folder's figures and report in place, from its tables (the tables "
        "are not touched)",
    )
    p.add_argument("run_dir")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser(
        "sweep", help="sweep parameters of a scenario (an experiment file); sensitivity indices"
    )
    p.add_argument("experiment", help="experiment file (see scenarios/experiments/)")
    p.add_argument("--workers", default=None, help="local worker processes (default: all cores)")
    p.add_argument(
        "--scheduler", default=None, metavar="ADDRESS",
        help="run on an existing Dask cluster (tcp://HOST:PORT) instead of local workers",
    )  # fmt: skip
    p.add_argument("--out", default="runs", help="parent folder of the run folder")
    p.add_argument(
        "--resume", default=None, metavar="RUN_DIR",
        help="finish an interrupted sweep (its OUT/.NAME.partial folder)",
    )  # fmt: skip
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("app", help="serve the students' page: explore a scenario in a browser")
    p.add_argument("scenario", nargs="?", default="scenarios/ukraine_war_2022_2025.toml")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", default="8765", help="port to listen on (default: 8765; 0: any free)")
    p.add_argument("--out", default="runs", help="where the page's Save writes run folders")
    p.set_defaults(func=cmd_app)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=cmd_schema)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line on stderr: ``warning: FILE: PATH ...``."""
    sys.stderr.write(f"warning: {message}\n")


SIGPIPE_EXIT = 141  # 128 + SIGPIPE: what a shell reports of a reader that stopped early


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``munsim`` and ``python -m sim``. A reader that stops early
    (``munsim ... | head``) ends it quietly with 141, Ctrl-C with 130."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # nothing more can be written; point stdout at nothing so the interpreter's
        # last flush does not complain either
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return SIGPIPE_EXIT


UNWRITABLE = {
    errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
    errno.ENOTDIR, errno.EEXIST,
}  # fmt: skip
"""What an ``OSError`` of a folder the user named says is wrong with it, not with munsim."""


def _unwritable(args: argparse.Namespace, exc: OSError) -> str:
    """The folder the user gave that ``exc`` is about: ``--out`` (or the run folder of
    ``plot``) where the error's file lies in it, on the way to it or names none, else
    the file."""
    given = getattr(args, "out", None) or getattr(args, "run_dir", None)
    if given is None:
        return os.fsdecode(exc.filename) if exc.filename else "munsim"
    if exc.filename is None:
        return str(given)
    named, out = Path(os.path.abspath(os.fsdecode(exc.filename))), Path(os.path.abspath(given))
    return str(given) if named.is_relative_to(out) or out.is_relative_to(named) else str(named)


def _cannot_make_out(args: argparse.Namespace, exc: OSError) -> bool:
    """Whether ``exc`` says ``--out`` cannot be made where it is (under ``/proc``, say)."""
    out = getattr(args, "out", None)
    if exc.errno != errno.ENOENT or out is None or exc.filename is None:
        return False
    return os.path.abspath(os.fsdecode(exc.filename)) == os.path.abspath(out)


def _internal_error(exc: Exception) -> int:
    sys.stderr.write(
        f"internal error (a bug in munsim): {type(exc).__name__}: {exc} "
        "(set MUNSIM_DEBUG=1 for the traceback)\n"
    )
    return 1


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default", ShadowedOverride)  # each once, on stderr
            warnings.showwarning = _show_warning
            folder = args.func(args)
    except ScenarioError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except BadInput as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except LedgerError as exc:
        sys.stderr.write(f"internal error (a bug in munsim): {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        raise  # the reader went away: main ends quietly
    except OSError as exc:
        if exc.errno is not None and (exc.errno in UNWRITABLE or _cannot_make_out(args, exc)):
            # a full disk, a read-only folder, a folder under /proc: the user's to fix
            sys.stderr.write(f"error: {_unwritable(args, exc)}: {os.strerror(exc.errno)}\n")
            return 2
        if os.environ.get("MUNSIM_DEBUG"):
            raise
        return _internal_error(exc)
    except Exception as exc:  # a bug: say so, in one line unless asked for more
        if os.environ.get("MUNSIM_DEBUG"):
            raise
        return _internal_error(exc)
    if folder:
        print(Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
