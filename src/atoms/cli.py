"""The `atoms` command: list the chapters, run one, or build the whole book."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

from atoms import backmatter, book

LONG_RUN_MINUTES = 15


def _root(value: str) -> Path:
    root = Path(value).resolve()
    if not (root / book.TOC).exists():
        raise argparse.ArgumentTypeError(f"{root} has no {book.TOC}: run from the book's root or pass --root")
    return root


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {value!r}")
    return int(value)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="atoms", description=__doc__)
    main.add_argument("--root", type=_root, default=".", help="the book's root (holds _toc.yml)")
    commands = main.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the chapters and their titles")
    run = commands.add_parser("run", help="execute one chapter with papermill")
    run.add_argument("chapter")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="a chapter parameter; VALUE is read as YAML (3, 0.5, true, [2, 4])")
    run.add_argument("--out", type=Path, help="directory for the notebook and results (default runs/; the book's "
                                              "own results are in book/chapters)")
    run.add_argument("--quiet", action="store_true", help="print nothing on success")
    run.add_argument("--yes", action="store_true", help=f"start even if the estimate exceeds {LONG_RUN_MINUTES} minutes")
    spread = run.add_mutually_exclusive_group()
    spread.add_argument("--workers", type=_positive, metavar="N",
                        help="spread the chapter's seeds over a local Dask cluster of N single-threaded processes")
    spread.add_argument("--scheduler", metavar="ADDRESS",
                        help="spread the chapter's seeds over the Dask cluster at ADDRESS (tcp://host:8786)")
    compare = commands.add_parser("compare", help="compare two runs of a chapter; exit 1 if a primary verdict differs")
    compare.add_argument("a", help="a results file, or a chapter name for the book's own results")
    compare.add_argument("b", help="a results file, or a chapter name for the book's own results")
    robust = commands.add_parser("robustness", help="rerun a chapter at several root seeds; count each claim's verdicts")
    robust.add_argument("chapter")
    robust.add_argument("--roots", type=int, nargs="+", required=True, metavar="SEED", help="root seeds, e.g. 0 1 2")
    robust.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a chapter parameter kept at every root (not seed)")
    robust.add_argument("--out", type=Path, default=book.RUNS / "robustness",
                        help="directory for the runs and NAME.robustness.json (default runs/robustness; "
                             "book/robustness puts the summary in the claims ledger)")
    robust.add_argument("--scheduler", metavar="ADDRESS", help="run the roots' seeds on the Dask cluster at ADDRESS")
    build = commands.add_parser("build", help="run every chapter in _toc.yml, then render the book")
    build.add_argument("-j", "--jobs", type=_positive, default=book.BUILD_JOBS,
                       help=f"chapters run at once (default {book.BUILD_JOBS})")
    build.add_argument("--profile", choices=("full", "smoke"), default="full")
    build.add_argument("--force", action="store_true", help="rerun every chapter, even those whose inputs are unchanged")
    build.add_argument("--scheduler", metavar="ADDRESS",
                       help="spread every chapter's seeds over the Dask cluster at ADDRESS")
    return main


def _stop(signum, frame):
    """SIGTERM unwinds like Ctrl-C, so scratch files, the lock and the kernel are cleaned up on the way out."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("atoms: interrupted; the run in progress left nothing behind", file=sys.stderr)
        return 130


@contextmanager
def _cluster(workers: int | None, scheduler: str | None):
    """Points the chapters' kernels at a Dask cluster (through ATOMS_SCHEDULER, which `Experiment.run`
    honours): the one at `scheduler`, or a local one of `workers` processes started here and closed after."""
    from atoms.experiment import SCHEDULER_ENV

    if workers is None and scheduler is None:
        yield
        return
    from atoms import distribute

    previous = os.environ.get(SCHEDULER_ENV)
    local = None
    if workers is not None:
        local = distribute.local_cluster(workers)
        scheduler = local.scheduler_address
    else:
        distribute.check_scheduler(scheduler)
    os.environ[SCHEDULER_ENV] = scheduler
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(SCHEDULER_ENV, None)
        else:
            os.environ[SCHEDULER_ENV] = previous
        if local is not None:
            local.close()


def _robustness(args) -> int:
    from atoms import robustness

    try:
        parameters = book.parse_parameters(args.parameter)
        if "seed" in parameters:
            raise ValueError("seed is set by --roots, not -p")
        if len(set(args.roots)) != len(args.roots) or min(args.roots) < 0:
            raise ValueError(f"--roots must be distinct seeds >= 0, got {args.roots}")
        for seed in args.roots:
            book.validate(args.root, args.chapter, {**parameters, "seed": seed})
    except (ValueError, TypeError) as error:
        print(f"atoms robustness: {error}", file=sys.stderr)
        return 2
    runs = {}
    try:
        with _cluster(None, args.scheduler):
            for seed in args.roots:
                print(f"{args.chapter}: root seed {seed}", flush=True)
                path = book.run_chapter(args.root, args.chapter, {**parameters, "seed": seed},
                                        args.out / f"{args.chapter}.seed{seed}")
                print(f"  {book.summary_line(path)}", flush=True)
                runs[seed] = json.loads(path.read_text())
    except ValueError as error:
        print(f"atoms robustness: {error}", file=sys.stderr)
        return 2
    except book.ChapterError as error:
        print(error, file=sys.stderr)
        return 1
    summary = robustness.summarize(args.chapter, runs)
    print(robustness.markdown(summary))
    print(f"  wrote {robustness.write(summary, args.out)}")
    return 0


def _main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "list":
        from atoms.experiment import experiment_class

        for name in book.toc_chapters(args.root):
            print(f"{name}  {experiment_class(name).title}")
        return 0
    if args.command == "compare":
        from atoms import compare as comparing

        try:
            lines, agree, _ = comparing.compare(*(comparing.load(book.results_file(args.root, x))
                                                  for x in (args.a, args.b)))
        except ValueError as error:
            print(f"atoms compare: {error}", file=sys.stderr)
            return 2
        print("\n".join(lines))
        return 0 if agree else 1
    if args.command == "robustness":
        return _robustness(args)
    if args.command == "run":
        try:
            parameters = book.parse_parameters(args.parameter)
            config = book.validate(args.root, args.chapter, parameters)
        except (ValueError, TypeError) as error:
            print(f"atoms run: {error}", file=sys.stderr)
            return 2
        seconds = book.estimate_seconds(args.root, args.chapter, config)
        if seconds is not None and seconds > 60 * LONG_RUN_MINUTES and not args.yes:
            print(f"atoms run: {args.chapter} would take about {seconds / 60:.0f} minutes on this machine; "
                  f"pass --yes to start it anyway", file=sys.stderr)
            return 2
        if not args.quiet:
            guess = "no estimate" if seconds is None else f"estimate about {seconds:.0f} s"
            print(f"{args.chapter}: starting ({guess})", flush=True)
        try:
            with _cluster(args.workers, args.scheduler):
                results = book.run_chapter(args.root, args.chapter, parameters, args.out)
        except (ValueError, TypeError) as error:
            print(f"atoms run: {error}", file=sys.stderr)
            return 2
        except book.ChapterError as error:
            print(error, file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"{book.summary_line(results)}\n  wrote {results} and {results.with_suffix('.ipynb')}")
        return 0
    names = book.toc_chapters(args.root)
    try:
        with _cluster(None, args.scheduler):
            failures, _ = book.run_all(args.root, names, {"profile": args.profile}, args.jobs, force=args.force)
    except ValueError as error:
        print(f"atoms build: {error}", file=sys.stderr)
        return 2
    if failures:
        print(f"atoms build: chapters failed: {failures}", file=sys.stderr)
        return 1
    backmatter.write(args.root, args.root / book.OUTPUTS, names)
    status = book.render(args.root)
    if status == 0:
        print(f"The book is at {args.root / '_build' / 'html' / 'index.html'}")
    return status
