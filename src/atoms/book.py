"""The pipeline from chapter sources to the rendered book.

A chapter source (`experiments/NAME.md`, jupytext MyST) is converted and executed by papermill;
the executed notebook and its results file land in `book/chapters/` only when the run succeeded
(written to temporary names, then renamed), so a failed run never leaves half an output behind.
`build` runs every chapter the table of contents lists, writes the generated back-matter pages
from the results files, and renders the site with Jupyter Book, execution off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import yaml

from atoms import speed

SOURCES = "experiments"
OUTPUTS = Path("book") / "chapters"
RUNS = Path("runs")
BUILD_JOBS = 2
"""Chapters `atoms build` runs at once by default: one per core of the 2-core machines the budgets are set on."""
"""Where `atoms run` writes by default, so that a rerun never overwrites the book's own results."""
TOC = "_toc.yml"


class ChapterError(RuntimeError):
    """A chapter run failed; the message carries the chapter's own traceback."""


def toc_chapters(root: Path) -> list[str]:
    """Chapter names in the order the table of contents lists them."""
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            file = node.get("file")
            if isinstance(file, str) and file.startswith(OUTPUTS.as_posix() + "/"):
                found.append(file.rsplit("/", 1)[1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((root / TOC).read_text()))
    return found


def available(root: Path) -> list[str]:
    return sorted(path.stem for path in (root / SOURCES).glob("*.md"))


def check_chapter(root: Path, name: str) -> Path:
    source = root / SOURCES / f"{name}.md"
    if not source.exists():
        raise ValueError(f"unknown chapter {name!r}; available: {available(root)}")
    return source


def results_file(root: Path, name_or_path: str) -> Path:
    """A results file given by path, or by chapter name for the copy the book was built from."""
    path = Path(name_or_path)
    if path.suffix == ".json" or path.exists():
        return path
    check_chapter(root, name_or_path)
    return root / OUTPUTS / f"{name_or_path}.json"


def parse_parameters(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """`-p name value` pairs, each value read as YAML so that 3, 0.5, true and [2, 4] get their types."""
    return {name: yaml.safe_load(value) for name, value in pairs}


def validate(root: Path, name: str, parameters: dict[str, Any]):
    """Checks names, types and ranges in this process, before any kernel starts, and returns the
    chapter's configuration: a bad value costs a second, not a TensorFlow start.

    Names come from the page's parameters cell (papermill would inject an unknown name and carry on);
    values from the chapter's Config. A null counts as "use the default" only where the page's own
    default is null.
    """
    import jupytext
    import papermill

    from atoms.experiment import experiment_class

    source = check_chapter(root, name)
    cell = papermill.inspect_notebook(jupytext.read(source))
    unknown = sorted(set(parameters) - set(cell))
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown} for chapter {name}; allowed: {list(cell)}")
    for key, value in parameters.items():
        if value is None and cell[key]["default"] != "None":
            raise ValueError(f"parameter {key!r} needs a value (its default is {cell[key]['default']}), got null")
    return experiment_class(name).Config.from_params(parameters)


def estimate_seconds(root: Path, name: str, config) -> float | None:
    """Wall seconds this run should take here: the chapter's own estimate, scaled by this machine's latest
    probe (from any results file in the book), or None when the chapter gives no estimate."""
    from atoms.experiment import experiment_class

    normalized = experiment_class(name).estimate(config)
    if normalized is None:
        return None
    probes = []
    for results in (root / OUTPUTS).glob("*.json"):
        try:
            payload = json.loads(results.read_text())
            probes.append((results.stat().st_mtime, payload["run"]["speed_probe_seconds"]))
        except (OSError, ValueError, KeyError):
            continue
    probe = max(probes)[1] if probes else speed.REFERENCE_PROBE_SECONDS
    return normalized * probe / speed.REFERENCE_PROBE_SECONDS


def _chapter_exception(error) -> str:
    """The chapter's own exception line, e.g. "TypeError: parameter 'steps' must be int, got 'x'"."""
    return f"{error.ename}: {error.evalue}"


def git_commit(root: Path) -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


def run_chapter(root: Path, name: str, parameters: dict[str, Any], out_dir: Path | None = None) -> Path:
    """Executes one chapter into `out_dir` (default `runs/`); returns its results file. Raises ChapterError
    or ValueError on failure, and leaves nothing behind but a finished notebook and results file."""
    source = check_chapter(root, name)
    validate(root, name, parameters)
    out_dir = Path(out_dir) if out_dir else root / RUNS
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock = _lock(out_dir, name)
    except OSError as error:
        raise ValueError(f"cannot write to {out_dir}: {error.strerror or error}") from None
    try:
        return _execute(root, name, source, parameters, out_dir)
    finally:
        lock.unlink(missing_ok=True)


def _lock(out_dir: Path, name: str) -> Path:
    """A file that says a run of this chapter is writing into this folder, so a second one stops at once
    instead of racing it; a lock left by a process that no longer exists is taken over."""
    lock = out_dir / f".{name}.lock"
    try:
        descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        try:
            holder = int(lock.read_text() or 0)
            os.kill(holder, 0)
        except (ValueError, ProcessLookupError, FileNotFoundError):
            lock.unlink(missing_ok=True)
            return _lock(out_dir, name)
        except PermissionError:
            pass
        raise ValueError(f"chapter {name} is already running into {out_dir} (process {holder}); "
                         f"wait for it or choose another --out") from None
    with os.fdopen(descriptor, "w") as handle:
        handle.write(str(os.getpid()))
    return lock


def _execute(root: Path, name: str, source: Path, parameters: dict[str, Any], out_dir: Path) -> Path:
    import jupytext
    import papermill

    notebook_path, results_path = out_dir / f"{name}.ipynb", out_dir / f"{name}.json"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=f".{name}.") as scratch:
        scratch_notebook, scratch_results = Path(scratch) / "out.ipynb", Path(scratch) / "results.json"
        notebook = jupytext.read(source)
        started = time.perf_counter()
        previous = os.environ.get("ATOMS_RESULTS_PATH")
        os.environ["ATOMS_RESULTS_PATH"] = str(scratch_results)
        try:
            papermill.execute_notebook(notebook, str(scratch_notebook), parameters=parameters,
                                       kernel_name="python3", cwd=str(out_dir), progress_bar=False,
                                       log_output=False, shutdown_kernel="immediate")
        except papermill.PapermillExecutionError as error:
            raise ChapterError(f"chapter {name} failed:\n{error}\n\n{_chapter_exception(error)}") from None
        finally:
            if previous is None:
                os.environ.pop("ATOMS_RESULTS_PATH", None)
            else:
                os.environ["ATOMS_RESULTS_PATH"] = previous
        hide_injected_parameters(scratch_notebook)
        if not scratch_results.exists():
            raise ChapterError(f"chapter {name} ran but never called atoms.page.publish(result)")
        payload = json.loads(scratch_results.read_text())
        wall = time.perf_counter() - started
        probe_seconds = payload["speed"]["speed_probe_seconds"]
        payload["run"] = {"wall_seconds": wall, "speed_probe_seconds": probe_seconds,
                          "normalized_seconds": speed.normalized(wall, probe_seconds),
                          "training_gflops": payload["training_flops"] / max(payload["experiment_seconds"], 1e-9) / 1e9,
                          "input_hash": input_hash(root, name, parameters),
                          "git_commit": git_commit(root), "parameters_given": parameters,
                          "source": source.relative_to(root).as_posix()}
        scratch_results.write_text(json.dumps(payload, allow_nan=False, indent=1))
        os.replace(scratch_notebook, notebook_path)
        os.replace(scratch_results, results_path)
    return results_path


def hide_injected_parameters(path: Path) -> None:
    """Papermill's injected cell repeats the run's parameters, which the page already tables: keep it in
    the notebook for Jupyter readers, but off the rendered page."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
    nbformat.write(notebook, path)


HASHED_LIBRARIES = ("tensorflow-cpu", "keras", "numpy", "scipy", "scikit-learn", "matplotlib", "papermill",
                    "jupytext", "nbclient", "ipykernel")


def input_hash(root: Path, name: str, parameters: dict[str, Any]) -> str:
    """A digest of everything a chapter's results depend on: its page, the package's code and data,
    the parameters (profile included), Python's and the libraries' versions. The numeric setting is
    fixed in the package's code (`atoms.tf_setup`), so it is covered too. Computed without TensorFlow."""
    import hashlib
    import platform
    from importlib import metadata

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in [check_chapter(root, name), *sorted(package.rglob("*.py")), *sorted(package.rglob("*.npz"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    versions = {"python": platform.python_version()}
    for library in HASHED_LIBRARIES:
        try:
            versions[library] = metadata.version(library)
        except metadata.PackageNotFoundError:
            versions[library] = None
    digest.update(json.dumps([parameters, versions], sort_keys=True).encode())
    return digest.hexdigest()


def up_to_date(root: Path, name: str, parameters: dict[str, Any]) -> bool:
    """True when the book already holds this chapter's results for exactly these inputs."""
    results = root / OUTPUTS / f"{name}.json"
    if not results.exists() or not results.with_suffix(".ipynb").exists():
        return False
    try:
        recorded = json.loads(results.read_text())["run"].get("input_hash")
    except (ValueError, KeyError):
        return False
    return recorded == input_hash(root, name, parameters)


def previous_seconds(root: Path, name: str) -> float | None:
    """The last recorded normalized time of a chapter, to schedule the longest first and estimate the rest."""
    try:
        return float(json.loads((root / OUTPUTS / f"{name}.json").read_text())["run"]["normalized_seconds"])
    except (OSError, ValueError, KeyError):
        return None


def run_all(root: Path, names: list[str], parameters: dict[str, Any], jobs: int, force: bool = False,
            report=print) -> tuple[list[str], list[str]]:
    """Runs the chapters whose inputs changed (all with `force`), longest first, in parallel processes
    (each needs its own TensorFlow); reports a line per chapter as it ends. Returns (failures, ran)."""
    todo = [name for name in names if force or not up_to_date(root, name, parameters)]
    skipped = len(names) - len(todo)
    if skipped:
        report(f"{skipped} chapter(s) up to date, not rerun (--force reruns them)")
    expected = {name: previous_seconds(root, name) for name in todo}
    todo.sort(key=lambda name: -(expected[name] if expected[name] is not None else float("inf")))

    def one(name: str) -> tuple[str, subprocess.CompletedProcess]:
        command = [sys.executable, "-m", "atoms", "--root", str(root), "run", name, "--quiet",
                   "--out", str(root / OUTPUTS), "--yes"]
        for key, value in parameters.items():
            command += ["-p", key, json.dumps(value)]
        return name, subprocess.run(command, capture_output=True, text=True)

    failures, ran = [], []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(one, name) for name in todo]
        for future in as_completed(futures):
            name, process = future.result()
            ran.append(name)
            remaining = [n for n in todo if n not in ran]
            known = [expected[n] for n in remaining if expected[n] is not None]
            left = f"; about {sum(known) / jobs:.0f} normalized s left" if known else ""
            if process.returncode != 0:
                failures.append(name)
                sys.stderr.write(process.stderr)
                report(f"[{len(ran)}/{len(todo)}] {name} FAILED{left}")
            else:
                report(f"[{len(ran)}/{len(todo)}] {summary_line(root / OUTPUTS / f'{name}.json')}{left}")
    return failures, ran


def summary_line(results: Path) -> str:
    """One line for a finished chapter: its name, normalized and wall time, and its verdict counts."""
    payload = json.loads(results.read_text())
    run = payload["run"]
    counts = ", ".join(f"{n} {verdict}" for verdict, n in payload["verdicts"].items() if n)
    return (f"{payload['chapter']}: {run['normalized_seconds']:.1f} normalized s "
            f"({run['wall_seconds']:.1f} s wall); {counts}")


def render(root: Path) -> int:
    """Jupyter Book, strict: warnings are errors, nitpicky references, every page rebuilt."""
    jb = Path(sys.executable).with_name("jb")
    command = [str(jb), "build", str(root), "--all", "-W", "-n", "--keep-going"]
    return subprocess.run(command, cwd=root).returncode
