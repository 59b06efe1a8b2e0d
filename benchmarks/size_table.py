"""Size table: how often each few-event test rejects unrelated random dates.

For each test that can enter :func:`riskcycle.assess_signal`'s verdict (and the
GARCH null, which does not), draw random event sets with a given structure and
count the rejections at 5% and 10%:

(i)  on the real Bitcoin path (``btc_long``, 365-day horizon, dates at least 362
     days apart), 2 to 5 dates, drawn uniformly or with an era mix like the claim's
     (half before the Coin Metrics / Yahoo splice of 2014-09-17, half after);
(ii) on simulated followers with BTC's calendar: GARCH(1,1)-t paths fitted to
     ``btc_long`` (drift at the sample mean) and stationary-block-resampled BTC
     returns (Politis-White block length); 2 and 4 uniform dates.

A rate is "within" when an exact two-sided binomial test of rate == alpha does not
reject at 1% (alpha inside the 99% band). Calibrated p-values
(:func:`riskcycle.inference.calibrate`) are computed on the real path only: each
set's calibrated p-value is its rank among the other sets of the same structure.

Usage::

    python benchmarks/size_table.py                 # full table (about 10 minutes on 2 cores)
    python benchmarks/size_table.py --reps 200 --paths 20   # quick look

Writes ``benchmarks/SIZE_TABLE.md`` (``--out``) and prints it. The Coin Metrics part
of ``btc_long`` (before 2014-09-17) is CC BY-NC 4.0 (Coin Metrics community data).
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import riskcycle
from riskcycle import _calibration as K
from riskcycle._resample import politis_white_block_length, stationary_index_matrix
from riskcycle.inference import _common as C
from riskcycle.inference._garch_null import fit_garch_t, null_parameters, simulate_garch_t

H = 365
SPACING = 362
SPLICE = "2014-09-17"
NONE = None


def _eras(fd, rule):
    return C.era_labels(fd, C.check_eras(rule))


def _structure(fd, win, k, mix, rng):
    """Day-0 positions with the wanted structure (a first set that fixes the era mix)."""
    eras = _eras(fd, [SPLICE] if mix == "era mix" else None)
    if mix == "era mix":
        before = (k + 1) // 2
        lab = np.r_[np.zeros(before, dtype=np.int64), np.ones(k - before, dtype=np.int64)]
        cand = np.flatnonzero(win.complete)
        # any admissible set with that mix (its positions only fix the design's era counts)
        pos = []
        for e in lab:
            pool = cand[(eras.label[cand] == e) & (~np.isin(cand, pos))]
            pos.append(pool[len(pos) * 400 % len(pool)])
        return np.sort(np.array(pos, dtype=np.int64)), eras
    return np.zeros(k, dtype=np.int64), eras


def _garch_pvalues(fd, win, sets, n_paths, rng):
    """Nominal GARCH-null p-values of many sets on one follower (shared simulated paths)."""
    r = fd.returns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_garch_t(r)
    params = null_parameters(fit, r)
    sim = simulate_garch_t(params, n_paths, len(r), 500, rng, h0=params["variance"])
    lp = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(sim, axis=1)], axis=1)
    end = win.end[sets]  # (R, k)
    t_sim = (lp[:, end] - lp[:, sets]).mean(axis=2)  # (n_paths, R)
    t_obs = win.fwd[sets].mean(axis=1)
    ge = (t_sim >= t_obs[None, :] - np.abs(t_obs) * 1e-12).sum(axis=0)
    return (1 + ge) / (1 + n_paths)


def _tests(fd, win, k, rng, n_resamples):
    none = C.Eras("none", pd.DatetimeIndex([]), np.zeros(fd.n, dtype=np.int64))
    kind, func, _ = C.resolve_statistic("mean")
    common = dict(kind=kind, func=func, alternative="greater")
    halving = _eras(fd, "halving")
    return {
        "placebo": K.placebo_spec(
            fd, win, spacing=SPACING, eras=none, n_resamples=n_resamples, rng=rng, **common
        ),
        "placebo_halving_matched (own cycle)": K.matched_spec(
            fd, win, spacing=SPACING, window=90, cycles="all", n_resamples=499, rng=rng, **common
        ),
        "placebo_halving_matched (other cycles)": K.matched_spec(
            fd, win, spacing=SPACING, window=90, cycles="other", n_resamples=499, rng=rng, **common
        ),
        # one null per era mix, cached inside the spec (sets of one row vary in mix)
        "placebo_era (halving cycles)": K.placebo_spec(
            fd, win, spacing=SPACING, eras=halving, n_resamples=n_resamples, rng=rng, **common
        ),
        "hit_count": K.hit_count_spec(win, threshold=0.0),
    }


IN_VERDICT = {
    "placebo": "yes (calibrated)",
    "placebo_halving_matched (own cycle)": "yes (calibrated)",
    "placebo_halving_matched (other cycles)": "no (option only)",
    "placebo_era (halving cycles)": "yes (calibrated)",
    "hit_count": "yes (calibrated)",
    "garch_null": "no",
}


def _rates(p, label, follower, k, mix, reps, calibrated=False):
    rows = []
    v = p[np.isfinite(p)]
    for alpha in (0.05, 0.10):
        x = int(np.sum(v <= alpha))
        bt = stats.binomtest(x, v.size, alpha)
        ci = bt.proportion_ci(0.99, method="exact")
        rows.append(
            {
                "follower": follower,
                "k": k,
                "dates": mix,
                "test": label + (" [calibrated]" if calibrated else ""),
                "alpha": alpha,
                "rate": x / v.size,
                "ci99_low": ci.low,
                "ci99_high": ci.high,
                "n": int(v.size),
                "within_band": bool(bt.pvalue >= 0.01),
                "in_verdict": IN_VERDICT.get(label, "yes") if not calibrated else "yes",
            }
        )
    return rows


def _calibrated(fd, win, sets, p, spec, eras, n_cal, rng):
    """Each set's calibrated p-value as assess_signal computes it.

    Calibration sets have the set's own count, spacing and mix of ``eras`` (Bitcoin's
    halving cycles, the assess_signal default), whatever structure the test sets were
    drawn with; one calibration per distinct mix.
    """
    score = spec.score(sets) if spec.score is not None else None
    mixes = [tuple(np.sort(eras.label[row])) for row in sets]
    out = np.empty(len(sets))
    for mix in dict.fromkeys(mixes):
        rows = [i for i, m in enumerate(mixes) if m == mix]
        d = K.design(fd, win, sets[rows[0]], spacing=SPACING, eras=eras)
        cal = d.draw(n_cal, rng)
        p_cal = spec.pvalues(cal)
        s_cal = spec.score(cal) if spec.score is not None else None
        for i in rows:
            out[i] = K.calibrated_pvalue(p[i], p_cal, None if score is None else score[i], s_cal)[
                0
            ]
    return out


def real_path(btc_long, reps, n_resamples, garch_paths, n_cal, rng):
    fd = C.follower_data(btc_long)
    win = C.windows(fd, H)
    halving = _eras(fd, "halving")
    rows = []
    for k in (2, 3, 4, 5):
        for mix in ("uniform", "era mix"):
            t0 = time.perf_counter()
            pos, eras = _structure(fd, win, k, mix, rng)
            d = K.design(fd, win, pos, spacing=SPACING, eras=eras)
            sets = d.draw(reps, rng)
            for label, spec in _tests(fd, win, k, rng, n_resamples).items():
                p = spec.pvalues(sets)
                rows += _rates(p, label, "btc_long (real path)", k, mix, reps)
                if IN_VERDICT[label].startswith("yes"):
                    nc = n_cal if "matched" not in label else max(99, n_cal // 2)
                    pc = _calibrated(fd, win, sets, p, spec, halving, nc, rng)
                    rows += _rates(pc, label, "btc_long (real path)", k, mix, reps, True)
            p = _garch_pvalues(fd, win, sets, garch_paths, rng)
            rows += _rates(p, "garch_null", "btc_long (real path)", k, mix, reps)
            print(f"  real path k={k} {mix}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return rows


def _simulated_follower(btc_long, kind, rng):
    fd = C.follower_data(btc_long)
    r = fd.returns
    if kind == "GARCH-t":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fit_garch_t(r)
        params = null_parameters(fit, r)
        sim = simulate_garch_t(params, 1, len(r), 500, rng, h0=params["variance"])[0]
    else:
        b = politis_white_block_length(r)
        idx = stationary_index_matrix(rng, len(r), b, 1)[0]
        sim = r[idx]
    close = np.exp(np.r_[0.0, np.cumsum(sim)]) * float(fd.close.iloc[0])
    s = pd.Series(close, index=fd.index, name="close")
    s.attrs = dict(btc_long.attrs)
    return s


def simulated(btc_long, kind, paths, sets_per_path, n_resamples, garch_paths, rng):
    rows = []
    acc = {}
    t0 = time.perf_counter()
    for _ in range(paths):
        follower = _simulated_follower(btc_long, kind, rng)
        fd = C.follower_data(follower)
        win = C.windows(fd, H)
        for k in (2, 4):
            d = K.design(
                fd, win, np.zeros(k, dtype=np.int64), spacing=SPACING, eras=_eras(fd, None)
            )
            sets = d.draw(sets_per_path, rng)
            for label, spec in _tests(fd, win, k, rng, n_resamples).items():
                acc.setdefault((label, k), []).append(spec.pvalues(sets))
            acc.setdefault(("garch_null", k), []).append(
                _garch_pvalues(fd, win, sets, garch_paths, rng)
            )
    for (label, k), ps in acc.items():
        rows += _rates(np.concatenate(ps), label, f"{kind} simulated", k, "uniform", 0)
    print(f"  {kind}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return rows


def to_markdown(df: pd.DataFrame, meta: dict) -> str:
    lines = [
        "# Size table: rejections of unrelated random dates",
        "",
        f"Generated by `{meta['command']}` at commit `{meta['commit']}` on {meta['date']} "
        f"({meta['machine']}); {meta['seconds']:.0f} s. Horizon 365 days, dates at least "
        "362 days apart. Rates at alpha with the 99% Clopper-Pearson interval; "
        "a rate whose exact binomial test of rate == alpha rejects at 1% is marked "
        "**over-rejects** (above alpha) or conservative (below). Calibrated rows: each "
        "set's calibrated p-value as `assess_signal` computes it (calibration sets with the "
        "set's count, spacing and mix of eras: halving cycles, split at `btc_long`'s "
        "change of data source on 2014-09-17). The splice era mix draws dates 2 before / "
        "2 after 2014-09-17, a structure these eras contain, so the calibration is exact "
        "there too; the rows measure it. "
        "`btc_long` before 2014-09-17 is Coin Metrics community data (CC BY-NC 4.0).",
        "",
        "Real path: random sets drawn exactly uniformly on BTC's own history "
        f"({meta['reps']} per row). Simulated: {meta['paths']} follower paths x "
        f"{meta['sets_per_path']} sets per path (sets on one path share its null: the "
        "binomial band is approximate).",
        "",
    ]
    for (follower, k, mix), g in df.groupby(["follower", "k", "dates"], sort=False):
        lines += [f"## {follower}, {k} dates, {mix}", ""]
        lines.append("| test | in verdict | rate at 5% (99% CI) | rate at 10% (99% CI) | n |")
        lines.append("|---|---|---|---|---|")
        for test, t in g.groupby("test", sort=False):
            cells = []
            for a in (0.05, 0.10):
                r = t[t["alpha"] == a].iloc[0]
                flag = (
                    ""
                    if r["within_band"]
                    else " **over-rejects**"
                    if r["rate"] > a
                    else " conservative"
                )
                cells.append(f"{r['rate']:.3f} ({r['ci99_low']:.3f}-{r['ci99_high']:.3f}){flag}")
            lines.append(
                f"| {test} | {t['in_verdict'].iloc[0]} | {cells[0]} | {cells[1]} | "
                f"{int(t['n'].iloc[0])} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=1000, help="random sets per real-path row")
    ap.add_argument("--paths", type=int, default=100, help="simulated follower paths")
    ap.add_argument("--sets-per-path", type=int, default=10)
    ap.add_argument("--n-resamples", type=int, default=999, help="placebo draws")
    ap.add_argument("--garch-paths", type=int, default=499, help="GARCH-null paths")
    ap.add_argument("--n-cal", type=int, default=999, help="calibration sets per era mix")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=str(Path(__file__).with_name("SIZE_TABLE.md")))
    ap.add_argument("--csv", default=None, help="also write the rows as CSV")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    btc_long = riskcycle.datasets.load("btc_long")
    rows = real_path(btc_long, args.reps, args.n_resamples, args.garch_paths, args.n_cal, rng)
    for kind in ("GARCH-t", "block-resampled"):
        rows += simulated(
            btc_long,
            kind,
            args.paths,
            args.sets_per_path,
            args.n_resamples,
            args.garch_paths,
            rng,
        )
    df = pd.DataFrame(rows)
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    meta = {
        "command": "python benchmarks/size_table.py " + " ".join(argv or sys.argv[1:]),
        "commit": commit,
        "date": pd.Timestamp.now("UTC").strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
        "seconds": time.perf_counter() - t0,
        "reps": args.reps,
        "paths": args.paths,
        "sets_per_path": args.sets_per_path,
    }
    text = to_markdown(df, meta)
    Path(args.out).write_text(text + "\n")
    if args.csv:
        df.to_csv(args.csv, index=False)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
