"""Run every benchmark in ``benchmarks/`` and write ``benchmarks/RESULTS.md``.

Usage::

    python benchmarks/run.py --snapshot      # full sizes on a clean export of git HEAD
    python benchmarks/run.py                 # full sizes on the working tree (15-20 min)
    python benchmarks/run.py --quick         # smoke run; writes to a temporary file
    python benchmarks/run.py --only snooping,backtest
    python benchmarks/run.py --from-logs DIR # rebuild RESULTS.md from a previous run's logs

Each ``bench_*.py`` script runs in its own subprocess, one after the other (never
two at once, so they do not compete for the cores), with its own flags: ``--quick``
where its ``--help`` offers it, and ``--arch-runs`` raised to at least 5 where it
exists, so that peers' times are medians of at least 5 runs as well. The output of
each script is kept verbatim (a log folder, and the details section of the
results) and parsed into one summary table: workload, riskcycle's time, the
peer's time, the ratio, the target and whether it was met.

While the scripts run, the 1-minute load average is sampled every 10 s: the
machine may be shared, and a load above the number of cores means that other
processes took CPU time from the benchmark. Times measured under such load are
upper bounds for riskcycle and peers alike (the scripts alternate the runs of
the two sides so that load hits both).

A block between ``<!-- analysis -->`` and ``<!-- /analysis -->`` in an existing
results file (hand-written notes on the numbers) is carried over into the new
file, marked as written for an earlier run when the run differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGES = ("riskcycle", "numpy", "pandas", "scipy", "arch", "vectorbt", "numba", "matplotlib")
#: in the order they run: the import/report benchmark first, on a quiet machine
SCRIPTS = {
    "import_report": "bench_import_report.py",
    "snooping": "bench_snooping.py",
    "backtest": "bench_backtest.py",
    "inference": "bench_inference.py",
    "threads": "bench_threads.py",
}
MIN_RUNS = 5
ANALYSIS = re.compile(r"<!-- analysis -->\n(.*?)<!-- /analysis -->", re.S)


# -- running ------------------------------------------------------------------------------------
@dataclass
class ScriptRun:
    """One benchmark script's run, as saved in the log folder."""

    name: str
    argv: list[str]
    started: str = ""
    wall: float = float("nan")
    max_rss_mib: float = float("nan")
    returncode: int | None = None
    load_before: str = ""
    load_after: str = ""
    load_samples: list[float] = field(default_factory=list)
    output: str = ""


def uptime() -> str:
    try:
        run = subprocess.run(["uptime"], capture_output=True, text=True, check=True)
        return run.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def script_flags(path: Path, quick: bool, arch_runs: int) -> list[str]:
    """The flags this script supports, read from its ``--help``."""
    helptext = subprocess.run(
        [sys.executable, str(path), "--help"], capture_output=True, text=True, check=True
    ).stdout
    flags = []
    if quick and "--quick" in helptext:
        flags.append("--quick")
    if "--arch-runs" in helptext:
        flags += ["--arch-runs", str(max(arch_runs, MIN_RUNS))]
    return flags


def run_script(
    name: str, argv: list[str], log: Path, timeout: float, root: Path, env: dict
) -> ScriptRun:
    """Run one script, streaming its output to ``log``; wall time, peak RSS, load samples."""
    run = ScriptRun(
        name=name,
        argv=argv,
        started=dt.datetime.now().isoformat(timespec="seconds"),
        load_before=uptime(),
    )
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(10.0):
            run.load_samples.append(load1())

    sampler = threading.Thread(target=sample, daemon=True)
    with open(log, "wb") as out:
        sampler.start()
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
        deadline = t0 + timeout
        while True:  # poll, so that a hung script is stopped at the timeout
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                out.write(f"\n[run.py: stopped after the {timeout:.0f} s timeout]\n".encode())
                break
            time.sleep(0.2)
        run.wall = time.perf_counter() - t0
        stop.set()
        sampler.join()
    proc.returncode = run.returncode = os.waitstatus_to_exitcode(status)
    run.max_rss_mib = usage.ru_maxrss / 1024  # largest process of its tree that was waited for
    run.load_after = uptime()
    run.output = log.read_text(errors="replace")
    return run


# -- parsing ------------------------------------------------------------------------------------
def num(pattern: str, text: str, group: int = 1, flags: int = re.M) -> float | None:
    m = re.search(pattern, text, flags)
    return float(m.group(group).replace(",", "")) if m else None


def parse_snooping(out: str) -> dict:
    r: dict = {}
    m = re.search(r"^T=(\d+), k=(\d+), B=(\d+)", out, re.M)
    if m:
        r["shape"] = tuple(int(v) for v in m.groups())
    for label in ("SPA", "StepM"):
        m = re.search(
            rf"^{label}: riskcycle median ([\d.]+) s over (\d+) runs .*?arch median "
            rf"([\d.]+) s over (\d+) runs",
            out,
            re.M,
        )
        if m:
            r[label] = {
                "ours": float(m.group(1)),
                "ours_runs": int(m.group(2)),
                "arch": float(m.group(3)),
                "arch_runs": int(m.group(4)),
            }
        m = re.search(
            rf"^{label}: peak traced memory riskcycle (\d+) MiB, arch (\d+) MiB", out, re.M
        )
        if m and label in r:
            r[label]["mem_ours"], r[label]["mem_arch"] = float(m.group(1)), float(m.group(2))
    r["pvalues"] = [
        (m.group(1), *(float(v) for v in m.groups()[1:]))
        for m in re.finditer(
            r"^(lower|consistent|upper|RC)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$",
            out,
            re.M,
        )
    ]
    m = re.search(r"^superior: riskcycle (.*), arch (\[.*\])\s*$", out, re.M)
    if m:
        r["superior"] = tuple(sorted(set(re.findall(r"[\w.]+", g))) for g in m.groups())
    r["compile_first"] = num(r"fresh cache\) ([\d.]+) s", out)
    r["compile_cached"] = num(r"with the on-disk cache ([\d.]+) s", out)
    r["import_snooping"] = num(r"^import riskcycle\.snooping ([\d.]+) s", out)
    return r


def parse_backtest(out: str) -> dict:
    return {
        "k": num(r"(\d[\d,]*) combinations", out),
        "vbt": num(r"vectorbt Portfolio\.from_signals \+ returns\(\):\s+([\d.]+) s", out),
        "runs": num(r"\(median of (\d+)\)", out),
        "fast": num(r"riskcycle numba kernel:\s+([\d.]+) s", out),
        "maxdiff": num(r"max \|difference\| of daily returns: (\S+)", out),
        "compile_first": num(r"first call in a fresh process: riskcycle ([\d.]+) s", out),
        "compile_cached": num(r"\(empty numba cache\), ([\d.]+) s \(cached\)", out),
        "vbt_first": num(r"vectorbt from_signals ([\d.]+) s", out),
        "sweep": num(r"sweep \(wall\): ([\d.]+) s", out),
        "spa_ours": num(r"riskcycle spa_test:\s+([\d.]+) s", out),
        "spa_arch": num(r"arch\.bootstrap\.SPA:\s+([\d.]+) s", out),
        "spa_shape": re.search(r"same (\d+) x (\d+) matrix", out),
    }


def parse_inference(out: str) -> dict:
    rows = {}
    for m in re.finditer(r"^[ \t]*(\S[^\n]*?)[ \t]{2,}([\d.]+) s(?:[ \t]+([^\n]*))?$", out, re.M):
        rows[m.group(1).strip()] = (float(m.group(2)), (m.group(3) or "").strip())

    def find(prefix: str, contains: str = "") -> tuple[str, float, str] | None:
        for label, (sec, note) in rows.items():
            if label.startswith(prefix) and contains in label:
                return label, sec, note
        return None

    return {
        "placebo_matched": find("placebo", "halving matching"),
        "placebo_spacing": find("placebo", "spacing only"),
        "garch_null": find("garch_null_test"),
        "sb_ours": find("stationary bootstrap"),
        "sb_arch": find("arch StationaryBootstrap"),
        "paths_ours": find("GARCH(1,1)-t paths"),
        "paths_arch": find("arch ConstantMean"),
    }


# -- formatting ---------------------------------------------------------------------------------
def sec(v: float | None) -> str:
    if v is None or v != v:
        return "n/a"
    if v >= 100:
        return f"{v:.0f} s"
    if v >= 10:
        return f"{v:.1f} s"
    if v >= 1:
        return f"{v:.2f} s"
    return f"{v * 1000:.3g} ms"


def ratio(peer: float | None, ours: float | None) -> str:
    if not peer or not ours:
        return "n/a"
    return f"{peer / ours:.1f}x" if peer / ours < 100 else f"{peer / ours:.0f}x"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**NO**")


@dataclass
class Row:
    workload: str
    ours: str
    peer: str
    ratio: str
    target: str
    met: bool | None  # None: informational, no target
    why: str = ""  # for a missed or unjudged target


def results(out: str) -> list[dict]:
    """The ``RESULT {json}`` records a script printed."""
    return [json.loads(m.group(1)) for m in re.finditer(r"^RESULT (\{.*\})\s*$", out, re.M)]


def med_range(v: list[float], fmt=None) -> str:
    fmt = fmt or sec
    return f"{fmt(statistics.median(v))} ({fmt(min(v))}-{fmt(max(v))})"


def rows_snooping(run: ScriptRun, quick: bool) -> list[Row]:
    recs = results(run.output)
    out = []
    targets = {1000: 100.0, 200: 30.0}
    for r in (r for r in recs if r["key"] == "vs_arch"):
        rt = statistics.median(r["arch"]) / statistics.median(r["ours"])
        pair = [a / o for a, o in zip(r["arch"], r["ours"], strict=True)]
        target = targets.get(r["k"])
        ok = None if target is None else rt >= target
        out.append(
            Row(
                f"{r['label']} vs arch.bootstrap.{r['label']}, T={r['T']:,} x k={r['k']:,}, "
                f"B={r['B']:,} (median (min-max) of {len(r['ours'])} alternating pairs)",
                med_range(r["ours"]),
                med_range(r["arch"]),
                f"{rt:.0f}x (pairs {min(pair):.0f}-{max(pair):.0f}x)",
                f">= {target:.0f}x" if target else "",
                ok,
                "" if ok in (None, True) else f"{rt:.0f}x is below {target:.0f}x",
            )
        )
    for r in (r for r in recs if r["key"] == "pvalues"):
        ok = r["worst_over_tol"] <= 1.0
        out.append(
            Row(
                f"SPA p-values (lower, consistent, upper) vs arch, k={r['k']:,}",
                "; ".join(f"{v:.3f}" for v in r["ours"]),
                "; ".join(f"{v:.3f}" for v in r["arch"]),
                f"max diff/tol {r['worst_over_tol']:.2f}",
                "|diff| <= 4 sqrt(2) sqrt(p(1-p)/B)",
                ok,
                "" if ok else "a p-value differs by more than the tolerance",
            )
        )
    for r in (r for r in recs if r["key"] == "superior"):
        out.append(
            Row(
                f"StepM superior models vs arch, k={r['k']:,}",
                "same set" if r["same"] else "sets differ",
                "",
                "",
                "same set (Monte Carlo error aside)",
                None,
                "same" if r["same"] else "sets differ",
            )
        )
    mem = [r for r in recs if r["key"] == "memory"]
    if mem:
        ok = all(r["ours"] <= r["arch"] for r in mem)
        out.append(
            Row(
                "SPA peak memory (tracemalloc + untraced numba work buffers) vs arch, k = "
                + ", ".join(f"{r['k']:,}" for r in mem),
                ", ".join(f"{r['ours']:.0f}" for r in mem) + " MiB",
                ", ".join(f"{r['arch']:.0f}" for r in mem) + " MiB",
                ", ".join(f"{r['ours'] / r['arch']:.2f}" for r in mem),
                "<= arch at every k",
                ok,
                "" if ok else "above arch's at some k",
            )
        )
    for r in (r for r in recs if r["key"] == "bound"):
        share = r["bound"] / statistics.median(r["blocks"])
        shares = [r["bound"] / t for t in r["blocks"]]
        rate = statistics.median(r["rates"])
        out.append(
            Row(
                f"SPA block sums vs the arithmetic bound (T={r['T']:,}, k={r['k']:,}, "
                f"B={r['B']:,}: {r['n_adds']:.3g} adds at the measured streaming-add rate "
                f"{rate / 1e9:.2f} G adds/s on {r['threads']} threads = {sec(r['bound'])}; "
                "one load per add, where the block sums load two prefix rows per add: "
                "about 50% is their ceiling)",
                med_range(r["blocks"]),
                sec(r["bound"]),
                f"{share:.0%} of the bound ({min(shares):.0%}-{max(shares):.0%})",
                ">= 50%",
                share >= 0.5,
                "" if share >= 0.5 else f"{share:.0%} is below 50%",
            )
        )
    for r in (r for r in recs if r["key"] == "threads"):
        sp = statistics.median(r["one"]) / statistics.median(r["two"])
        pair = [a / b for a, b in zip(r["one"], r["two"], strict=True)]
        what = "SPA (whole call)" if r["what"] == "spa" else "SPA block sums"
        target = 1.7 if r["what"] == "spa" else None
        ok = None if target is None else sp >= target
        out.append(
            Row(
                f"{what}, NUMBA_NUM_THREADS=1 vs 2 (separate processes, {len(r['one'])} "
                f"alternating pairs), k={r['k']:,}",
                "1: " + med_range(r["one"]) + "; 2: " + med_range(r["two"]),
                "",
                f"{sp:.2f}x (pairs {min(pair):.2f}-{max(pair):.2f}x)",
                ">= 1.7x" if target else "",
                ok,
                "" if ok in (None, True) else f"{sp:.2f}x is below 1.7x",
            )
        )
    if not out:
        out.append(Row("bench_snooping.py", "n/a", "", "", "", False, "no RESULT records"))
    return out


def rows_backtest(run: ScriptRun, quick: bool) -> list[Row]:
    r = parse_backtest(run.output)
    k = f"{r['k']:,.0f}" if r["k"] else "?"
    out = []
    if r["fast"] and r["vbt"]:
        rt = r["vbt"] / r["fast"]
        out.append(
            Row(
                f"Backtest: daily returns of {k} breakout strategies, full BTC history, "
                f"warm (median of {r['runs']:.0f}, alternating) vs vectorbt "
                "Portfolio.from_signals",
                sec(r["fast"]),
                sec(r["vbt"]),
                ratio(r["vbt"], r["fast"]),
                "",
                None,
                "the kernel alone",
            )
        )
    else:
        out.append(
            Row(
                f"Backtest, {k} combinations",
                "n/a",
                "n/a",
                "n/a",
                ">= 10x",
                False,
                "not found in the script's output",
            )
        )
    for w in (w for w in results(run.output) if w["key"] == "whole"):
        rt = statistics.median(w["vbt"]) / statistics.median(w["ours"])
        pair = [v / o for v, o in zip(w["vbt"], w["ours"], strict=True)]
        ok = rt >= 10 and w["maxdiff"] == 0
        out.append(
            Row(
                f"Whole sweep of {w['k']:,} combinations, signals to statistics, warm "
                f"(median (min-max) of {len(w['ours'])} alternating pairs) vs vectorbt on the "
                "same signals (from_signals, returns, total_return, sharpe_ratio, max_drawdown)",
                med_range(w["ours"]),
                med_range(w["vbt"]),
                f"{rt:.1f}x (pairs {min(pair):.1f}-{max(pair):.1f}x)",
                ">= 10x, identical returns",
                ok,
                "" if ok else f"{rt:.1f}x; max |difference| of the returns {w['maxdiff']:.3g}",
            )
        )
    if r["maxdiff"] is not None:
        ok = r["maxdiff"] <= 1e-10
        out.append(
            Row(
                "Backtest: max |difference| of daily returns vs vectorbt",
                f"{r['maxdiff']:.3g}",
                "",
                "",
                "<= 1e-10",
                ok,
                "" if ok else "returns differ",
            )
        )
    out.append(
        Row(
            "Backtest: Sharpe ratios vs vectorbt",
            "not compared",
            "",
            "",
            "<= 1e-10",
            None,
            "bench_backtest.py compares daily returns only (Sharpe follows "
            "from them); no separate Sharpe comparison or timing",
        )
    )
    if r["sweep"]:
        out.append(
            Row(
                f"Sweep of {k} combinations with SPA/StepM (1,000 reps), DSR, PBO (single run)",
                sec(r["sweep"]),
                "",
                "",
                "",
                None,
            )
        )
    if r["spa_ours"] and r["spa_arch"]:
        m = r["spa_shape"]
        shape = f"{int(m.group(1)):,} x {int(m.group(2)):,}" if m else "?"
        out.append(
            Row(
                f"SPA on the sweep's {shape} return matrix vs arch (single run each)",
                sec(r["spa_ours"]),
                sec(r["spa_arch"]),
                ratio(r["spa_arch"], r["spa_ours"]),
                "",
                None,
            )
        )
    return out


def rows_inference(run: ScriptRun, quick: bool) -> list[Row]:
    r = parse_inference(run.output)
    out = []

    def add(key: str, target: str, limit: float | None, workload: str) -> None:
        v = r[key]
        if v is None:
            out.append(
                Row(
                    workload,
                    "n/a",
                    "",
                    "",
                    target,
                    False if limit else None,
                    "not found in the script's output",
                )
            )
            return
        label, s, note = v
        ok = None if limit is None else s < limit
        spread = re.match(r"\(([^)]*)\)", note)
        out.append(
            Row(
                f"{label} (median of warm runs)",
                sec(s) + (f" ({spread.group(1)})" if spread else ""),
                "",
                "",
                target,
                ok,
                "" if ok in (None, True) else f"{s:.2f} s is above {limit:g} s",
            )
        )

    add("placebo_matched", "< 1 s", 1.0, "placebo test, matched")
    add("placebo_spacing", "", None, "placebo test, spacing only")
    add("garch_null", "< 5 s", 5.0, "GARCH-null simulation")
    for ours, theirs, what in (
        ("sb_ours", "sb_arch", "StationaryBootstrap.apply(np.mean)"),
        ("paths_ours", "paths_arch", "ConstantMean(GARCH, StudentsT).simulate per path"),
    ):
        if r[ours] and r[theirs]:
            note = r[theirs][2]
            out.append(
                Row(
                    f"{r[ours][0].removesuffix(': riskcycle')} vs arch {what} "
                    "(medians of alternating warm runs)",
                    sec(r[ours][1]),
                    sec(r[theirs][1]),
                    ratio(r[theirs][1], r[ours][1]),
                    "",
                    None,
                    note,
                )
            )
    return out


def rows_threads(run: ScriptRun, quick: bool) -> list[Row]:
    out = []
    for r in (r for r in results(run.output) if r["key"] == "threads"):
        sp = statistics.median(r["one"]) / statistics.median(r["two"])
        pair = [a / b for a, b in zip(r["one"], r["two"], strict=True)]
        # the thread targets: SPA (bench_snooping), placebo, calibration, GARCH
        # null; power_analysis is shown for information
        targeted = r["what"] not in ("power", "machine")
        split = [c for c in r.get("cpu_split") or [] if c]
        bound = ""
        if split:
            share = statistics.median(c["tasks"] / c["cpu"] for c in split)
            bound = f"; Amdahl's bound on 2 idle cores {1 / (1 - share / 2):.2f}x"
        what = (
            "machine (8 equal tasks of arithmetic in registers: the speed-up the second core "
            "gave during the run, the ceiling of the others)"
            if r["what"] == "machine"
            else r["what"]
        )
        out.append(
            Row(
                f"{what}: NUMBA_NUM_THREADS=1 vs 2 (separate processes, "
                f"{len(r['one'])} alternating pairs)",
                "1: " + med_range(r["one"]) + "; 2: " + med_range(r["two"]),
                "",
                f"{sp:.2f}x (pairs {min(pair):.2f}-{max(pair):.2f}x){bound}",
                ">= 1.7x" if targeted else "-",
                (sp >= 1.7) if targeted else None,
                "" if sp >= 1.7 or not targeted else f"{sp:.2f}x is below 1.7x",
            )
        )
        if r["what"] == "calibrate" and not quick:
            t2 = statistics.median(r["two"])
            out.append(
                Row(
                    "Calibration: 1,000 random event sets on the real BTC path, each with "
                    "its own 9,999-draw halving-matched placebo (whole calibrate call, "
                    f"2 threads; median of {len(r['two'])} processes)",
                    med_range(r["two"]),
                    "",
                    "",
                    "< 5 s",
                    t2 < 5.0,
                    "" if t2 < 5.0 else f"{t2:.1f} s is above 5 s",
                )
            )
    return out or [Row("bench_threads.py", "n/a", "", "", "", None, "no RESULT records")]


def rows_import_report(run: ScriptRun, data: dict | None, quick: bool) -> list[Row]:
    if not data:
        return [
            Row(
                "import riskcycle / report",
                "n/a",
                "",
                "",
                "< 0.5 s / < 120 s",
                False,
                "no JSON from bench_import_report.py",
            )
        ]
    imp = data["import"]
    n = imp["runs"]
    v = imp["import"]["minus_pass"]
    out = [
        Row(
            f"`import riskcycle`: wall minus bare `python -c pass` (median of {n} paired "
            "fresh-process rounds)",
            sec(v),
            "",
            "",
            "< 0.5 s",
            v < 0.5,
            "within the timing noise of a bare interpreter"
            if abs(v) < 0.005
            else ""
            if v < 0.5
            else f"{v:.2f} s",
        )
    ]
    it = data.get("importtime", {})
    if "import" in it:
        out.append(
            Row(
                "`import riskcycle` by `-X importtime` (new top-level imports, median)",
                sec(it["import"]["median"]),
                "",
                "",
                "",
                None,
                "heavy packages imported: " + (", ".join(it["import"]["heavy_modules"]) or "none"),
            )
        )
    v = imp["import+load"]["minus_pass"]
    out.append(
        Row(
            "`import riskcycle; riskcycle.datasets.load('rut')` (first use imports "
            "pandas), minus bare python",
            sec(v),
            "",
            "",
            "",
            None,
            "heavy packages imported: "
            + ", ".join(it.get("import+load", {}).get("heavy_modules", [])),
        )
    )
    rep = data.get("report")
    if rep:
        rounds = len(rep["cold"])
        judged = not quick and "--n-resamples" not in rep["command"]
        v = rep["cold_median"]
        ok = (v < 20) if judged else None
        why = ("" if ok else f"{v:.0f} s is above 20 s") if judged else "quick run: not judged"
        out.append(
            Row(
                f"`riskcycle report` cold (fresh process, empty NUMBA_CACHE_DIR, "
                f"2 cores; median of {rounds})",
                sec(v),
                "",
                "",
                "< 20 s",
                ok,
                why,
            )
        )
        w = rep["warm_median"]
        wok = (w < 5) if judged else None
        out.append(
            Row(
                f"`riskcycle report` warm (numba cache from the cold run; median of {rounds}; "
                f"range {sec(min(r['wall'] for r in rep['warm']))}-"
                f"{sec(max(r['wall'] for r in rep['warm']))})",
                sec(w),
                "",
                "",
                "< 5 s",
                wok,
                ("a kernel compiled again; " if rep["recompiled_in_warm_run"] else "")
                + ("" if wok in (None, True) else f"{w:.1f} s is above 5 s"),
            )
        )
    work = data.get("work")
    if work:
        fl, cpu, st = work["floor"], work["work_cpu"], work["startup"]
        out.append(
            Row(
                f"`riskcycle report`: floor on 2 cores = start-up before the workers start "
                f"{sec(statistics.median(st))} + the work of one report / 2 (CPU of a second "
                f"build and write in one process, 1 thread: {sec(statistics.median(cpu))}, "
                f"range {sec(min(cpu))}-{sec(max(cpu))}; median of {len(fl)})",
                sec(statistics.median(fl)),
                "",
                "",
                "-",
                None,
                f"the warm report is {w / statistics.median(fl):.2f}x this floor; the work "
                f"alone / 2 is {sec(statistics.median(cpu) / 2)}"
                if rep
                else "",
            )
        )
    return out


def compile_rows(parsed: dict) -> list[str]:
    """Markdown rows of the first-call compile table."""
    lines = []
    s = parsed.get("snooping")
    if s and s.get("compile_first") is None:
        c = [r for r in s.get("records", []) if r["key"] == "compile"]
        if c:
            s["compile_first"], s["compile_cached"] = c[0]["first"], c[0]["cached"]
    if s and s.get("compile_first") is not None:
        lines.append(
            f"| riskcycle.snooping kernels (`spa_test`: block sums, stationary variance, "
            f"recentred maxima) | {sec(s['compile_first'])} | "
            f"{sec(s['compile_cached'])} | bench_snooping.py (includes numba's import) |"
        )
    b = parsed.get("backtest")
    if b and b.get("compile_first") is not None:
        lines.append(
            f"| riskcycle.backtesting kernel (`strategy_returns`) | "
            f"{sec(b['compile_first'])} | {sec(b['compile_cached'])} | "
            "bench_backtest.py |"
        )
        lines.append(
            f"| vectorbt `Portfolio.from_signals` (peer; not cached by vectorbt, "
            f"compiles in every process) | {sec(b['vbt_first'])} | "
            f"{sec(b['vbt_first'])} | bench_backtest.py |"
        )
    k = (parsed.get("import_report") or {}).get("kernels")
    if k:
        for name, times in k["empty cache"].items():
            if name == "import and data":
                continue
            first, second = times
            cached = k["cached"][name][0]
            lines.append(
                f"| riskcycle.inference: `{name}` | {sec(first)} | {sec(cached)} | "
                f"bench_import_report.py (2nd call {sec(second)}) |"
            )
    rep = (parsed.get("import_report") or {}).get("report")
    if rep:
        lines.append(
            f"| whole `riskcycle report` (all kernels + vectorbt) | "
            f"{sec(rep['cold_median'])} | {sec(rep['warm_median'])} | "
            "bench_import_report.py (cold vs warm run) |"
        )
    return lines


# -- the results file ---------------------------------------------------------------------------
def machine() -> dict:
    info: dict = {}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.+)$", cpu, re.M)
        info["cpu"] = m.group(1).strip() if m else platform.processor()
        flags = re.search(r"^flags\s*:\s*(.+)$", cpu, re.M)
        if flags:
            simd = [f for f in ("avx2", "avx512f", "fma") if f in flags.group(1).split()]
            info["cpu"] += f" (flags: {', '.join(simd) or 'no avx2'})"
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    info["cores"] = f"{os.cpu_count()} logical CPUs, {len(os.sched_getaffinity(0))} usable"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        info["ram"] = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        info["ram"] = "unknown"
    try:
        osr = Path("/etc/os-release").read_text()
        info["os"] = re.search(r'^PRETTY_NAME="?([^"\n]+)', osr, re.M).group(1)
    except (OSError, AttributeError):
        info["os"] = platform.system()
    info["os"] += f", kernel {platform.release()}"
    info["python"] = f"{platform.python_implementation()} {platform.python_version()}"
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = "not installed"
    info["packages"] = versions
    info["commit"] = commit()
    return info


def commit() -> str:
    """HEAD, flagged when the library or the bench scripts have uncommitted changes."""
    git = ["git", "-C", str(ROOT)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [
                *git,
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "riskcycle",
                "benchmarks/bench_*.py",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    dirty = [line[3:] for line in dirty if line.strip()]
    return head + (f" (uncommitted changes in {', '.join(dirty)})" if dirty else "")


def command_of(run: ScriptRun) -> str:
    argv = list(run.argv[1:])
    argv[0] = "benchmarks/" + Path(argv[0]).name
    shown = []
    skip = False
    for a in argv:  # the JSON path is a temporary file: leave it out of the shown command
        if skip:
            skip = False
            continue
        if a == "--json":
            skip = True
            continue
        shown.append(a)
    return "python " + " ".join(shown)


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| workload | riskcycle | peer | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = verdict(r.met)
        if r.met is None and r.why:
            met = f"n/a ({r.why})"
        elif r.met is False and r.why:
            met = f"**NO** ({r.why})"
        lines.append(
            "| "
            + " | ".join(
                cell(c)
                for c in (r.workload, r.ours, r.peer or "-", r.ratio or "-", r.target or "-", met)
            )
            + " |"
        )
    return lines


def load_summary(run: ScriptRun) -> str:
    s = run.load_samples
    if not s:
        return "no load samples (run under 10 s)"
    return (
        f"1-min load sampled every 10 s: min {min(s):.2f}, median "
        f"{statistics.median(s):.2f}, max {max(s):.2f}"
    )


def render(runs: dict[str, ScriptRun], extra: dict, meta: dict, old: str | None) -> str:
    quick = meta["quick"]
    parsed: dict = {}
    rows: dict[str, list[Row]] = {}
    for name, run in runs.items():
        if run.returncode != 0:
            rows[name] = [
                Row(
                    f"{SCRIPTS[name]}",
                    "failed",
                    "",
                    "",
                    "",
                    False,
                    f"exit code {run.returncode}; see its output below",
                )
            ]
            continue
        if name == "snooping":
            parsed[name] = parse_snooping(run.output) | {"records": results(run.output)}
            rows[name] = rows_snooping(run, quick)
        elif name == "backtest":
            parsed[name] = parse_backtest(run.output)
            rows[name] = rows_backtest(run, quick)
        elif name == "inference":
            parsed[name] = parse_inference(run.output)
            rows[name] = rows_inference(run, quick)
        elif name == "threads":
            rows[name] = rows_threads(run, quick)
        elif name == "import_report":
            parsed[name] = extra.get("import_report")
            rows[name] = rows_import_report(run, parsed[name], quick)
    info = meta["machine"]
    n_cores = len(os.sched_getaffinity(0))
    lines = [
        "# riskcycle benchmarks: results",
        "",
        f"Generated by `{meta.get('command', 'python benchmarks/run.py')}` (run "
        f"{meta['run_id']}, {meta['total_wall'] / 60:.1f} min in all). "
        + ("**Quick run: reduced sizes, targets not meaningful.** " if quick else "")
        + "How to run and what each workload is: [README.md](README.md).",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}",
        f"- Cores: {info['cores']}",
        f"- RAM: {info['ram']}",
        f"- OS: {info['os']}",
        f"- Python: {info['python']}",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()),
        f"- riskcycle commit: {info['commit']}"
        + (
            ""
            if meta.get("commit_end", info["commit"]) == info["commit"]
            else (
                f"; **at the end of the run: {meta['commit_end']}**"
                " (the code changed during the run)"
            )
        ),
        f"- Load at the start: `{meta['uptime_start']}`",
        f"- Load at the end: `{meta['uptime_end']}`",
        "",
        f"The machine may be shared with other jobs: a 1-minute load average above {n_cores} "
        "(the number of cores) means other processes were competing for the CPUs. The "
        "benchmark itself keeps one core busy (two while numba's parallel kernels or BLAS "
        "run), so a load near 1-2 during a script is mostly its own. Each script's load is in "
        'the table under "Runs"; riskcycle and its peers run alternately inside the '
        "snooping and backtest scripts so that load hits both sides alike.",
        "",
        "## Summary",
        "",
    ]
    order = [n for n in SCRIPTS if n in runs]
    all_rows = []
    for name in order:
        all_rows += rows[name]
    if quick:  # reduced sizes: report the numbers, judge nothing
        for r in all_rows:
            if r.met is not None:
                r.met, r.why = (
                    None,
                    ("quick run: not judged; at this size " + ("met" if r.met else "missed")),
                )
    lines += table(all_rows)
    lines += [
        "",
        "Ratios are peer time / riskcycle time. Times are medians of the stated "
        "number of runs unless marked otherwise.",
        "",
    ]
    missed = [r for r in all_rows if r.met is False]
    lines += ["## Missed targets", ""]
    if quick:
        lines.append("Quick run: sizes are reduced, so no target is judged here.")
    elif missed:
        lines += [f"- {r.workload}: {r.why}" for r in missed]
    else:
        lines.append("None: every target with a threshold was met in this run.")
    lines += [
        "",
        "## First-call compile times (fresh process)",
        "",
        "| code | empty numba cache | with the cache | measured by |",
        "|---|---|---|---|",
    ]
    lines += compile_rows(parsed)
    lines += [
        "",
        "All riskcycle kernels are `numba.njit(cache=True)`: a new process loads them "
        "from the cache instead of compiling (the warm report run checks that no kernel "
        "compiles again). vectorbt's simulation function is not cached by vectorbt and "
        "compiles in every new process.",
        "",
    ]
    m = ANALYSIS.search(old or "")
    if m:
        body = m.group(1)
        lines += ["## Analysis (hand-written)", ""]
        if f"run {meta['run_id']}" not in body:
            lines += ["> Written for an earlier run: check it against the numbers above.", ""]
        lines += ["<!-- analysis -->", body.rstrip("\n"), "<!-- /analysis -->", ""]
    lines += [
        "## Runs",
        "",
        "| script | command | wall | peak RSS | exit | load during the run |",
        "|---|---|---|---|---|---|",
    ]
    for name in order:
        r = runs[name]
        lines.append(
            f"| {SCRIPTS[name]} | `{command_of(r)}` | {sec(r.wall)} | "
            f"{r.max_rss_mib:.0f} MiB | {r.returncode} | {load_summary(r)} |"
        )
    lines += [
        "",
        "Peak RSS: the largest process of the script's tree (`os.wait4`). Every figure "
        "in the summary comes from the script of its section below; the command in this "
        "table reproduces it.",
        "",
        "## Full output",
        "",
    ]
    for name in order:
        r = runs[name]
        lines += [
            f"<details><summary>{SCRIPTS[name]}: <code>{command_of(r)}</code> "
            f"(started {r.started})</summary>",
            "",
            f"Load before: `{r.load_before}`  ",
            f"Load after: `{r.load_after}`",
            "",
            "```text",
            r.output.rstrip("\n"),
            "```",
            "",
            "</details>",
            "",
        ]
    return "\n".join(lines)


def shown_command(argv: list[str]) -> str:
    """The runner's command line without the options that only say where files go."""
    shown, skip = ["python", "benchmarks/run.py"], False
    for a in argv:
        if skip:
            skip = False
        elif a in ("--log-dir", "--out"):
            skip = True
        elif not a.startswith(("--log-dir=", "--out=")):
            shown.append(a)
    return " ".join(shown)


def export_head(logs: Path) -> Path:
    """``git archive HEAD`` unpacked into ``logs/snapshot-<sha>``; checks it imports from there."""
    git = ["git", "-C", str(ROOT)]
    sha = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    root = logs / f"snapshot-{sha}"
    root.mkdir(parents=True, exist_ok=True)
    tar = subprocess.run([*git, "archive", "--format=tar", sha], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(root)], input=tar.stdout, check=True)
    where = subprocess.run(
        [sys.executable, "-c", "import riskcycle; print(riskcycle.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env=dict(os.environ, PYTHONPATH=str(root)),
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(root.resolve()):
        raise RuntimeError(f"the snapshot is not the riskcycle that gets imported: {where}")
    return root


# -- main ---------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="pass --quick to the scripts that support it"
    )
    parser.add_argument(
        "--only", default=None, help=f"comma-separated subset of {', '.join(SCRIPTS)}"
    )
    parser.add_argument(
        "--arch-runs",
        type=int,
        default=MIN_RUNS,
        help=f"peer runs where a script has --arch-runs (at least {MIN_RUNS})",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="results file (default benchmarks/RESULTS.md; with --quick a "
        "temporary file, so that a smoke run never replaces the results)",
    )
    parser.add_argument(
        "--log-dir",
        default=None,
        help="where each script's output is kept (default: a new temp folder)",
    )
    parser.add_argument(
        "--from-logs",
        default=None,
        help="rebuild the results file from a previous run's log folder",
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="per script, seconds")
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="measure a clean export of git HEAD (git archive, imported through "
        "PYTHONPATH) instead of the working tree, so that edits others make "
        "during the run cannot mix versions",
    )
    args = parser.parse_args()

    if args.from_logs:
        logs = Path(args.from_logs)
        meta = json.loads((logs / "meta.json").read_text())
        runs = {n: ScriptRun(**d) for n, d in meta.pop("runs").items()}
        extra = {
            "import_report": json.loads((logs / "import_report.json").read_text())
            if (logs / "import_report.json").exists()
            else None
        }
    else:
        names = list(SCRIPTS) if not args.only else args.only.split(",")
        unknown = set(names) - set(SCRIPTS)
        if unknown:
            parser.error(
                f"`--only` must name scripts among {', '.join(SCRIPTS)}; "
                f"got {', '.join(sorted(unknown))}"
            )
        logs = Path(args.log_dir or tempfile.mkdtemp(prefix="riskcycle-bench-"))
        logs.mkdir(parents=True, exist_ok=True)
        print(f"logs: {logs}", flush=True)
        meta = {
            "run_id": dt.datetime.now().isoformat(timespec="seconds"),
            "quick": args.quick,
            "command": shown_command(sys.argv[1:]),
            "machine": machine(),
            "uptime_start": uptime(),
        }
        root, env = ROOT, dict(os.environ, PYTHONUNBUFFERED="1")
        if args.snapshot:
            root = export_head(logs)
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(root), os.environ.get("PYTHONPATH")) if p
            )
            meta["machine"]["commit"] = (
                f"{root.name.removeprefix('snapshot-')} (run on a clean "
                "export of HEAD; working-tree edits excluded)"
            )
            print(f"snapshot of HEAD: {root}", flush=True)
        runs, t0 = {}, time.perf_counter()
        for name in (n for n in SCRIPTS if n in names):
            path = root / "benchmarks" / SCRIPTS[name]
            argv = [sys.executable, str(path), *script_flags(path, args.quick, args.arch_runs)]
            if name == "import_report":
                argv += ["--json", str(logs / "import_report.json")]
            print(f"[{time.perf_counter() - t0:7.1f}s] {' '.join(argv[1:])}", flush=True)
            runs[name] = run_script(name, argv, logs / f"{name}.log", args.timeout, root, env)
            print(
                f"[{time.perf_counter() - t0:7.1f}s]   exit {runs[name].returncode}, "
                f"{runs[name].wall:.1f} s",
                flush=True,
            )
        meta["total_wall"] = time.perf_counter() - t0
        meta["uptime_end"] = uptime()
        meta["commit_end"] = meta["machine"]["commit"] if args.snapshot else commit()
        (logs / "meta.json").write_text(
            json.dumps({**meta, "runs": {n: asdict(r) for n, r in runs.items()}}, indent=1)
        )
        extra = {
            "import_report": json.loads((logs / "import_report.json").read_text())
            if (logs / "import_report.json").exists()
            else None
        }

    if args.out:
        out = Path(args.out)
    elif meta["quick"]:
        out = Path(tempfile.gettempdir()) / "riskcycle-RESULTS-quick.md"
    else:
        out = HERE / "RESULTS.md"
    old = out.read_text() if out.exists() else None
    out.write_text(render(runs, extra, meta, old))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
