"""Benchmark: ``import riskcycle`` and the full report, each in fresh processes.

Run by hand::

    python benchmarks/bench_import_report.py            # 7 import rounds, 3 cold + 3 warm reports
    python benchmarks/bench_import_report.py --quick    # 5 import rounds, 1 + 1 reports
    python benchmarks/bench_import_report.py --report-only   # 3 cold + 3 warm reports only

Targets (issue 8):

1. ``import riskcycle``: under 0.5 s. Measured as the wall time of
   ``python -c "import riskcycle"`` minus that of ``python -c "pass"``, both in
   fresh processes, the two commands (and ``import riskcycle;
   riskcycle.datasets.load('rut')``, whose first use imports pandas) alternating
   round by round; the median over the rounds of the per-round difference is
   the figure. ``python -X importtime`` gives the same cost from the inside
   (summed top-level imports that a bare interpreter does not make), and a
   child process lists which heavy packages each command imports.
2. ``riskcycle report --out <tmpdir>``: under 20 s from a cold start and under
   5 s warm, on 2 cores. Cold: a fresh process with ``NUMBA_CACHE_DIR`` set to a new, empty
   temporary folder, so no compiled kernel is reused. Warm: the same command
   again with the folder the cold run filled. Each round is one cold and one
   warm run; medians with their min-max range over the rounds. The report's own
   progress stamps give the time per section: the report runs its statistical stages
   in worker processes (``--jobs``, default the CPUs, here 2), so a stamp marks when
   the main process starts waiting for a stage's output, and the time "per section"
   is the wait, not the stage's own cost (``--jobs 1`` gives the sequential split).
   The cache folder is counted before and after the warm run: a kernel that compiled
   again would add files.
3. First-call compile times of the inference kernels (placebo sampling, GARCH
   paths, block bootstrap), which the other scripts do not cover: their first
   call in a fresh process with an empty numba cache, then in another fresh
   process with the cache the first one wrote.

Wall times come from ``time.perf_counter`` around each child; peak memory is the
child's maximum resident set size (``os.wait4``). On a machine with more than
two CPUs the report children are pinned to two of them
(``os.sched_setaffinity``) with ``NUMBA_NUM_THREADS=2``. Python's bytecode caches
and the operating system's file cache are left as they are: "cold" refers to
numba's compilation cache, the cost a new user or a new environment pays.

4. The work a warm report does, against its 5 s target: how far scheduling alone could
   bring it. In one process with one thread (``NUMBA_NUM_THREADS=1`` and one BLAS thread,
   so that CPU time is the work, not threads waiting), the report is built
   (``build_report(n_jobs=1)``) and written twice, the caches a build fills emptied
   before each (then filled with what the workers inherit, as before a fork); the second
   time every import is done and every kernel loaded, so its CPU time is the work
   itself: the statistics of every stage (each stage's share timed around its stage
   function) and the main process's events, figures and writing. The start-up
   is timed in fresh processes: an interpreter importing what the report imports before
   its worker processes start, loading the data and preparing the caches the workers
   share (``_prepare_workers``), the serial part of every run. On 2 cores a run cannot
   take less than start-up + work / 2 (the work split perfectly over both cores, with
   no compilation, no cache loading and no overhead): the floor that section 3's warm
   time is compared with. ``--report-runs`` rounds of both; medians and ranges.

``--json PATH`` also writes the numbers as JSON (used by ``benchmarks/run.py``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

HEAVY = ("numpy", "pandas", "scipy", "numba", "arch", "vectorbt", "matplotlib", "statsmodels")

COMMANDS = {
    "pass": "pass",
    "import": "import riskcycle",
    "import+load": "import riskcycle; riskcycle.datasets.load('rut')",
}


@dataclass(frozen=True)
class Child:
    """One finished child process."""

    wall: float
    max_rss_mib: float
    returncode: int
    stdout: str
    stderr: str


def run_child(
    argv: list[str],
    *,
    env: dict | None = None,
    cpus: set[int] | None = None,
    cwd: str | None = None,
) -> Child:
    """Run ``argv`` to completion; wall time and the child's peak resident memory."""

    def pin() -> None:  # runs in the child, before exec
        if cpus is not None:
            os.sched_setaffinity(0, cpus)

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd,
            preexec_fn=pin if cpus is not None else None,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            wall,
            usage.ru_maxrss / 1024,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def python(code: str, *flags: str) -> list[str]:
    return [sys.executable, *flags, "-c", code]


def checked(child: Child, what: str) -> Child:
    if child.returncode != 0:
        raise RuntimeError(
            f"{what} failed with exit code {child.returncode}:\n{child.stderr[-3000:]}"
        )
    return child


# -- import --------------------------------------------------------------------------------------
def measure_import(runs: int) -> dict:
    """Alternating fresh-process rounds of the three commands; medians and paired differences."""
    names = list(COMMANDS)
    for name in names:  # untimed: bytecode caches written, files in the OS cache
        checked(run_child(python(COMMANDS[name])), name)
    walls: dict[str, list[float]] = {n: [] for n in names}
    rss: dict[str, list[float]] = {n: [] for n in names}
    for i in range(runs):
        order = names[i % len(names) :] + names[: i % len(names)]  # rotate the order
        for name in order:
            c = checked(run_child(python(COMMANDS[name])), name)
            walls[name].append(c.wall)
            rss[name].append(c.max_rss_mib)
    out = {"runs": runs, "commands": COMMANDS}
    for name in names:
        out[name] = {
            "median": statistics.median(walls[name]),
            "all": walls[name],
            "max_rss_mib": statistics.median(rss[name]),
        }
    for name in ("import", "import+load"):
        diffs = [a - b for a, b in zip(walls[name], walls["pass"], strict=True)]
        out[name]["minus_pass"] = statistics.median(diffs)
        out[name]["minus_pass_all"] = diffs
    return out


_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def parse_importtime(stderr: str) -> list[tuple[int, str, int, int]]:
    """(depth, module, self us, cumulative us) for every line of ``-X importtime``."""
    rows = []
    for line in stderr.splitlines():
        m = _IMPORTTIME.match(line)
        if m:
            rows.append((len(m.group(3)) // 2, m.group(4), int(m.group(1)), int(m.group(2))))
    return rows


def measure_importtime(runs: int) -> dict:
    """``python -X importtime``: cost of the top-level imports a bare interpreter does not make."""
    base = {
        mod
        # every module a bare interpreter imports (site, .pth)
        for _, mod, _, _ in parse_importtime(
            checked(run_child(python("pass", "-X", "importtime")), "importtime pass").stderr
        )
    }
    out = {}
    for name in ("import", "import+load"):
        totals, last = [], []
        for _ in range(runs):
            rows = parse_importtime(
                checked(run_child(python(COMMANDS[name], "-X", "importtime")), name).stderr
            )
            top = [(mod, cum) for depth, mod, _, cum in rows if depth == 0 and mod not in base]
            totals.append(sum(cum for _, cum in top) / 1e6)
            last = rows
        # the largest imports (top level and one level down) of the last run
        new = [r for r in last if r[1] not in base]
        biggest = sorted((r for r in new if r[0] <= 1), key=lambda r: -r[3])[:8]
        probe = checked(
            run_child(
                python(
                    COMMANDS[name]
                    + "; import sys; print(' '.join(m for m in "
                    + repr(HEAVY)
                    + " if m in sys.modules))"
                )
            ),
            name + " modules",
        )
        out[name] = {
            "median": statistics.median(totals),
            "all": totals,
            "largest": [(mod, cum / 1e6) for _, mod, _, cum in biggest],
            "heavy_modules": probe.stdout.split(),
        }
    return out


# -- report --------------------------------------------------------------------------------------
_STAMP = re.compile(r"^\[\s*([\d.]+)s\] (.+)$")


def report_exe() -> list[str]:
    """The installed console script next to this interpreter (not a shell shim)."""
    exe = Path(sys.executable).with_name("riskcycle")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from riskcycle.cli import main; sys.exit(main())"]


def cache_files(folder: str) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


def stamps(stderr: str) -> list[tuple[float, str]]:
    out = []
    for line in stderr.splitlines():
        m = _STAMP.match(line.strip())
        if m:
            out.append((float(m.group(1)), m.group(2)))
    return out


def two_cpus() -> set[int] | None:
    cpus = sorted(os.sched_getaffinity(0))
    return set(cpus[:2]) if len(cpus) > 2 else None


def measure_report(runs: int, extra: list[str]) -> dict:
    cpus = two_cpus()
    base_env = dict(os.environ, NUMBA_NUM_THREADS=str(min(2, len(os.sched_getaffinity(0)))))
    result: dict = {
        "command": [*report_exe(), "report", "--out", "<tmpdir>", *extra],
        "pinned_cpus": sorted(cpus) if cpus else None,
        "numba_num_threads": base_env["NUMBA_NUM_THREADS"],
        "cold": [],
        "warm": [],
    }
    for i in range(runs):
        with (
            tempfile.TemporaryDirectory(prefix="rc-numba-") as cache,
            tempfile.TemporaryDirectory(prefix="rc-report-") as tmp,
        ):
            env = dict(base_env, NUMBA_CACHE_DIR=cache)
            files = {}
            for kind in ("cold", "warm"):
                out = os.path.join(tmp, kind)
                c = checked(
                    run_child(
                        [*report_exe(), "report", "--out", out, *extra],
                        env=env,
                        cpus=cpus,
                        cwd=tmp,
                    ),
                    f"{kind} report",
                )
                files[kind] = cache_files(cache)
                load = os.getloadavg()[0]
                written = sorted(os.listdir(out))
                result[kind].append(
                    {
                        "wall": c.wall,
                        "max_rss_mib": c.max_rss_mib,
                        "stamps": stamps(c.stderr),
                        "written": written,
                        "cache_files_after": files[kind],
                        "load_1min_after": load,
                    }
                )
                print(
                    f"  report round {i + 1} {kind}: {c.wall:6.1f} s, peak RSS "
                    f"{c.max_rss_mib:5.0f} MiB, numba cache files {files[kind]}, "
                    f"1-minute load after {load:.2f}",
                    flush=True,
                )
    for kind in ("cold", "warm"):
        walls = [r["wall"] for r in result[kind]]
        result[kind + "_median"] = statistics.median(walls)
        result[kind + "_range"] = [min(walls), max(walls)]
        result[kind + "_rss_median"] = statistics.median(r["max_rss_mib"] for r in result[kind])
    result["recompiled_in_warm_run"] = any(
        w["cache_files_after"] != c["cache_files_after"]
        for c, w in zip(result["cold"], result["warm"], strict=True)
    )
    return result


def section_table(result: dict) -> list[str]:
    """Per-section seconds (median over rounds) from the report's progress stamps."""

    def durations(run: dict) -> list[tuple[str, float]]:
        st = run["stamps"]
        rows = [("start-up and data (to the first stamp)", st[0][0])] if st else []
        for (t0, label), (t1, _) in itertools.pairwise(st):
            rows.append((label, t1 - t0))
        if st:
            rows.append((st[-1][1].split(" /")[0] + " (to process exit)", run["wall"] - st[-1][0]))
        return rows

    per = {}
    for kind in ("cold", "warm"):
        for run in result[kind]:
            for j, (label, sec) in enumerate(durations(run)):
                per.setdefault((j, label), {"cold": [], "warm": []})[kind].append(sec)
    width = max((len(label) for _, label in per), default=10)
    lines = [f"  {'section':<{width}}  {'cold':>7}  {'warm':>7}"]
    for (_, label), v in sorted(per.items()):
        cold = f"{statistics.median(v['cold']):6.1f}s" if v["cold"] else "      -"
        warm = f"{statistics.median(v['warm']):6.1f}s" if v["warm"] else "      -"
        lines.append(f"  {label:<{width}}  {cold:>7}  {warm:>7}")
    return lines


# -- kernel compile times ------------------------------------------------------------------------
KERNELS = textwrap.dedent("""
    import json, time, warnings
    t0 = time.perf_counter()
    import riskcycle
    from riskcycle import inference
    btc = riskcycle.datasets.load("btc_long")
    rut = riskcycle.datasets.load("rut")
    ev = riskcycle.breakouts(rut, min_gap=250).between("2010-01-01", None)
    t_import = time.perf_counter() - t0
    calls = {
        "placebo_test (spacing + halving matching)": lambda: riskcycle.placebo_test(
            btc, ev, horizon=180, halving_window=90, n_resamples=200, enumeration="monte_carlo",
            rng=0),
        "placebo_test (spacing only)": lambda: riskcycle.placebo_test(
            btc, ev, horizon=180, n_resamples=200, enumeration="monte_carlo", rng=0),
        "garch_null_test": lambda: riskcycle.garch_null_test(
            btc, ev, horizon=180, n_resamples=20, rng=0),
        "bootstrap_ci (stationary)": lambda: riskcycle.bootstrap_ci(
            btc, ev, horizon=180, n_resamples=200, rng=0),
    }
    out = {"import and data": t_import}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, fn in calls.items():
            t0 = time.perf_counter(); fn(); t1 = time.perf_counter(); fn()
            t2 = time.perf_counter()
            out[name] = [t1 - t0, t2 - t1]
    print(json.dumps(out))
""")


def measure_kernels() -> dict:
    """First and second call of each function: empty numba cache, then the cache it wrote."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="rc-numba-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for kind in ("empty cache", "cached"):
            c = checked(run_child(python(KERNELS), env=env), "kernel compile times")
            out[kind] = json.loads(c.stdout.strip().splitlines()[-1])
    return out


# -- the work of a warm report --------------------------------------------------------------------
STARTUP = textwrap.dedent("""
    import os
    import importlib
    import riskcycle.cli  # noqa: F401  (what the command imports first)
    import matplotlib.pyplot  # noqa: F401  (build_report, before the workers start)
    from riskcycle import datasets
    from riskcycle.report import _build
    for name in _build._STAGE_MODULES:
        importlib.import_module(name)
    lead, fol = datasets.load("rut"), datasets.load("btc_long")
    _build._prepare_workers(lead, fol)
    os._exit(0)  # the report's own exit is timed in section 3
""")

WORK = textwrap.dedent("""
    import functools, json, sys, tempfile, time, warnings
    from riskcycle.report import _build
    from riskcycle.report import build_report
    n_resamples = int(sys.argv[1])
    spent = {}

    def timed(name, fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            c0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - c0
        return run

    for name in ("stage_case", "stage_backtest", "stage_regimes", "stage_markets", "stage_scan"):
        setattr(_build, name, timed(name, getattr(_build, name)))

    def as_in_a_new_process():
        # the caches a first build filled are emptied (in a run the workers fill them),
        # then filled with what the workers inherit from before the fork (counted in the
        # start-up)
        from riskcycle import _calibration, _sample, calendar, datasets
        from riskcycle.inference import _garch_null

        for cached in (datasets._read_file, calendar._information_ns, calendar._business_days,
                       _calibration._binomial_size, _garch_null._kept_fit):
            cached.cache_clear()
        calendar._SPANS.clear()
        _sample._CACHE.clear()
        _build._prepare_workers(datasets.load("rut"), datasets.load("btc_long"))

    rounds = []
    for _ in range(2):
        as_in_a_new_process()
        spent.clear()
        with warnings.catch_warnings(), tempfile.TemporaryDirectory() as out:
            warnings.simplefilter("ignore")
            c0, t0 = time.process_time(), time.perf_counter()
            build_report(n_resamples=n_resamples, n_jobs=1).write(out)
            rounds.append(dict(cpu=time.process_time() - c0, wall=time.perf_counter() - t0,
                               stages=dict(spent)))
    print(json.dumps(rounds[-1]))
""")


def measure_work(runs: int, n_resamples: int) -> dict:
    """Start-up (fresh processes) and the work of a warm report (second build in one
    process), ``runs`` rounds each, alternating."""
    # one thread: CPU time is then the work, not threads waiting (BLAS's included)
    one = ("NUMBA_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
    env = dict(os.environ, **dict.fromkeys(one, "1"))
    startup, work = [], []
    for _ in range(runs):
        c = checked(run_child(python(STARTUP), env=env), "report start-up")
        startup.append(c.wall)  # the interpreter's start included, its teardown skipped
        c = checked(run_child([*python(WORK), str(n_resamples)], env=env), "report work")
        work.append(json.loads(c.stdout.strip().splitlines()[-1]))
    cpu = [w["cpu"] for w in work]
    floor = [s + w / 2 for s, w in zip(startup, cpu, strict=True)]
    stages = {
        name: statistics.median(w["stages"].get(name, 0.0) for w in work)
        for name in work[0]["stages"]
    }
    return {
        "startup": startup,
        "work_cpu": cpu,
        "floor": floor,
        "stages": stages,
        "main": statistics.median(w["cpu"] - sum(w["stages"].values()) for w in work),
        "n_resamples": n_resamples,
        "load_1min_after": os.getloadavg()[0],
    }


def print_work(w: dict, warm: float | None) -> None:
    def span(v):
        return f"{statistics.median(v):.2f} s (range {min(v):.2f}-{max(v):.2f})"

    print(f"  start-up before the workers start (fresh processes): {span(w['startup'])}")
    print(
        f"  work of one report (second build and write in one process, 1 thread, CPU): "
        f"{span(w['work_cpu'])}"
    )
    for name, sec in sorted(w["stages"].items(), key=lambda kv: -kv[1]):
        print(f"    {name:<16} {sec:6.2f} s")
    print(f"    {'main process':<16} {w['main']:6.2f} s (events, event study, figures, writing)")
    print(
        f"  floor on 2 cores, start-up + work / 2: {span(w['floor'])}"
        + (
            f"; the warm report of section 3 ({warm:.1f} s) is "
            f"{warm / statistics.median(w['floor']):.2f}x the floor"
            if warm is not None
            else ""
        )
    )
    half = [c / 2 for c in w["work_cpu"]]
    print(f"  the work alone on 2 cores, work / 2 (no start-up at all): {span(half)}")
    print(
        "  a warm report under 5 s needs start-up + work / 2 under 5 s: "
        + ("possible" if statistics.median(w["floor"]) < 5 else "not possible with this work")
    )


# -- main ----------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="5 import rounds, one cold and one warm report"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="fresh-process rounds for the import (default 7; quick 5)",
    )
    parser.add_argument(
        "--report-runs",
        type=int,
        default=None,
        help="cold + warm report rounds (default 3; quick 1)",
    )
    parser.add_argument("--no-report", action="store_true", help="skip the report")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="only the report (skip the import rounds and the kernels' compile times)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="the report's --jobs (default: its own default, the CPUs it may use)",
    )
    parser.add_argument("--json", default=None, help="also write the numbers to this file")
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 7)
    report_runs = args.report_runs or (1 if args.quick else 3)
    if runs < 5:
        parser.error("`--runs` must be at least 5 (medians of at least 5 runs)")

    from importlib.metadata import version

    print(
        f"riskcycle {version('riskcycle')}, python {sys.version.split()[0]}, "
        f"cpus {len(os.sched_getaffinity(0))}, executable {sys.executable}"
    )
    results: dict = {}

    if not args.report_only:
        print(
            f"\n1. import, {runs} alternating rounds of fresh processes (after one untimed round)"
        )
        imp = measure_import(runs)
        results["import"] = imp
        for name in COMMANDS:
            r = imp[name]
            extra = (
                f"; minus `pass`: {r['minus_pass']:.3f} s (median of the paired differences)"
                if "minus_pass" in r
                else ""
            )
            print(
                f"  python -c {COMMANDS[name]!r:<55} {r['median']:.3f} s median, peak RSS "
                f"{r['max_rss_mib']:.0f} MiB{extra}"
            )
        it = measure_importtime(runs)
        results["importtime"] = it
        for name in ("import", "import+load"):
            r = it[name]
            print(
                f"  -X importtime, {COMMANDS[name]!r}: {r['median']:.3f} s (median of {runs}, "
                f"new top-level imports); heavy packages imported: "
                f"{', '.join(r['heavy_modules']) or 'none'}"
            )
            print("    largest: " + ", ".join(f"{m} {s:.3f}" for m, s in r["largest"]))
        print(
            "  target: import riskcycle under 0.5 s -> "
            + ("met" if imp["import"]["minus_pass"] < 0.5 else "MISSED")
        )

        print("\n2. numba kernels of riskcycle.inference: first call in a fresh process")
        kern = measure_kernels()
        results["kernels"] = kern
        print(f"  {'function':<44}{'empty cache':>13}{'cached':>9}{'2nd call':>10}")
        for name in kern["empty cache"]:
            if name == "import and data":
                continue
            (f0, s0), (f1, _) = kern["empty cache"][name], kern["cached"][name]
            print(f"  {name:<44}{f0:>12.2f}s{f1:>8.2f}s{s0:>9.3f}s")
        data = [kern[kind]["import and data"] for kind in ("empty cache", "cached")]
        print(
            f"  (before the calls: import riskcycle, load btc_long and rut, breakouts: "
            f"{data[0]:.2f} s / {data[1]:.2f} s. A first call also pays the lazy imports it "
            "triggers (numba for the first kernel, arch for the GARCH fit), so 'cached' is "
            "those imports, the cache load and the work; '2nd call' is the work alone)"
        )

    if not args.no_report:
        extra = ["--n-resamples", "200"] if args.quick else []
        if args.jobs is not None:
            extra += ["--jobs", str(args.jobs)]
        print(
            f"\n3. riskcycle report, {report_runs} round(s) of cold + warm"
            + (" (quick: --n-resamples 200, not the target configuration)" if args.quick else "")
        )
        rep = measure_report(report_runs, extra)
        results["report"] = rep
        print(f"  command: {' '.join(rep['command'])}")
        print(
            f"  pinned to CPUs {rep['pinned_cpus'] or 'all (the machine has 2 or fewer)'}, "
            f"NUMBA_NUM_THREADS={rep['numba_num_threads']}"
        )
        for kind, what in (("cold", "empty numba cache"), ("warm", "cache from the cold run")):
            lo, hi = rep[kind + "_range"]
            print(
                f"  {kind} ({what}): {rep[kind + '_median']:.1f} s median "
                f"(range {lo:.1f}-{hi:.1f} s over {report_runs} rounds), peak RSS "
                f"{rep[kind + '_rss_median']:.0f} MiB"
            )
        print(f"  files written: {', '.join(rep['cold'][0]['written'])}")
        print(
            f"  numba cache files after cold {rep['cold'][0]['cache_files_after']}, after warm "
            f"{rep['warm'][0]['cache_files_after']}: "
            + (
                "a kernel compiled again in the warm run"
                if rep["recompiled_in_warm_run"]
                else "nothing compiled again"
            )
        )
        print(
            "  time per section (the report's progress stamps, median over rounds; with "
            "worker processes a stamp is a wait for a stage's output):"
        )
        print("\n".join(section_table(rep)))
        print(
            "  targets: report under 20 s from a cold start and under 5 s warm, on 2 cores -> "
            + (
                "met"
                if rep["cold_median"] < 20 and rep["warm_median"] < 5 and not args.quick
                else "not judged (quick)"
                if args.quick
                else "MISSED"
            )
        )

    if not args.no_report:
        n = 200 if args.quick else 2000
        print(
            f"\n4. the work of a warm report, {report_runs} round(s) (--n-resamples {n}"
            + (", quick: not the target configuration)" if args.quick else ", the default)")
        )
        work = measure_work(report_runs, n)
        results["work"] = work
        print_work(work, results["report"]["warm_median"] if "report" in results else None)

    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
