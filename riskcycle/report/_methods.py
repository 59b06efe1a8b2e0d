"""Methods, references, provenance and versions: the report's last section."""

from __future__ import annotations

import pandas as pd

from .._results import package_versions
from ..datasets import available

__all__ = ["REFERENCES", "methods_section"]

#: Full citations of the methods the report uses (also in the documentation's Methods page).
REFERENCES = (
    "Brock, W., Lakonishok, J. & LeBaron, B. (1992). Simple technical trading rules and the "
    "stochastic properties of stock returns. Journal of Finance 47(5), 1731-1764. "
    "doi:10.1111/j.1540-6261.1992.tb04681.x",
    "MacKinlay, A. C. (1997). Event studies in economics and finance. Journal of Economic "
    "Literature 35(1), 13-39.",
    "Boehmer, E., Musumeci, J. & Poulsen, A. B. (1991). Event-study methodology under conditions "
    "of event-induced variance. Journal of Financial Economics 30(2), 253-272. "
    "doi:10.1016/0304-405X(91)90032-F",
    "Kolari, J. W. & Pynnönen, S. (2010). Event study testing with cross-sectional correlation of "
    "abnormal returns. Review of Financial Studies 23(11), 3996-4025. doi:10.1093/rfs/hhq072",
    "Corrado, C. J. (1989). A nonparametric test for abnormal security-price performance in event "
    "studies. Journal of Financial Economics 23(2), 385-395. doi:10.1016/0304-405X(89)90064-0",
    "Cowan, A. R. (1992). Nonparametric event study tests. Review of Quantitative Finance and "
    "Accounting 2(4), 343-358. doi:10.1007/BF00939016",
    "Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be zero. Statistical "
    "Applications in Genetics and Molecular Biology 9(1), Article 39. doi:10.2202/1544-6115.1585",
    "Politis, D. N. & Romano, J. P. (1994). The stationary bootstrap. Journal of the American "
    "Statistical Association 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870",
    "Politis, D. N. & White, H. (2004). Automatic block-length selection for the dependent "
    "bootstrap. Econometric Reviews 23(1), 53-70. doi:10.1081/ETC-120028836; correction: Patton, "
    "A., Politis, D. N. & White, H. (2009), Econometric Reviews 28(4), 372-375. "
    "doi:10.1080/07474930802459016",
    "Bollerslev, T. (1986). Generalized autoregressive conditional heteroskedasticity. Journal of "
    "Econometrics 31(3), 307-327. doi:10.1016/0304-4076(86)90063-1",
    "Glosten, L. R., Jagannathan, R. & Runkle, D. E. (1993). On the relation between the expected "
    "value and the volatility of the nominal excess return on stocks. Journal of Finance 48(5), "
    "1779-1801. doi:10.1111/j.1540-6261.1993.tb05128.x",
    "Inclán, C. & Tiao, G. C. (1994). Use of cumulative sums of squares for retrospective "
    "detection of changes of variance. Journal of the American Statistical Association 89(427), "
    "913-923. doi:10.1080/01621459.1994.10476824",
    "Sansó, A., Aragó, V. & Carrion-i-Silvestre, J. L. (2004). Testing for changes in the "
    "unconditional variance of financial time series. Revista de Economía Financiera 4, 32-53.",
    "White, H. (2000). A reality check for data snooping. Econometrica 68(5), 1097-1126. "
    "doi:10.1111/1468-0262.00152",
    "Hansen, P. R. (2005). A test for superior predictive ability. Journal of Business & Economic "
    "Statistics 23(4), 365-380. doi:10.1198/073500105000000063",
    "Romano, J. P. & Wolf, M. (2005). Stepwise multiple testing as formalized data snooping. "
    "Econometrica 73(4), 1237-1282. doi:10.1111/j.1468-0262.2005.00615.x",
    "Bailey, D. H. & López de Prado, M. (2012). The Sharpe ratio efficient frontier. Journal of "
    "Risk 15(2), 3-44. doi:10.21314/JOR.2012.255",
    "Bailey, D. H. & López de Prado, M. (2014). The deflated Sharpe ratio: correcting for "
    "selection bias, backtest overfitting and non-normality. Journal of Portfolio Management "
    "40(5), 94-107. doi:10.3905/jpm.2014.40.5.094",
    "Bailey, D. H., Borwein, J., López de Prado, M. & Zhu, Q. J. (2017). The probability of "
    "backtest overfitting. Journal of Computational Finance 20(4), 39-69. "
    "doi:10.21314/JCF.2016.322",
)


def _data_table(data_names: list[str], frames: dict) -> pd.DataFrame:
    """One row per series used: the registry's record, or what a supplied frame says."""
    reg = available()
    cols = ["description", "source", "licence", "first_date", "last_date", "rows"]
    rows = []
    for n in data_names:
        if n in reg.index:
            rows.append(reg.loc[n, cols].rename(n))
            continue
        f = frames.get(n)
        attrs = (getattr(f, "attrs", {}) or {}) if f is not None else {}
        rows.append(
            pd.Series(
                {
                    "description": "supplied by the user",
                    "source": attrs.get("source", "the user's file"),
                    "licence": attrs.get("licence", "as stated by its source"),
                    "first_date": f.index[0] if f is not None and len(f) else None,
                    "last_date": f.index[-1] if f is not None and len(f) else None,
                    "rows": len(f) if f is not None else None,
                },
                name=n,
            )
        )
    out = pd.DataFrame(rows)
    out.index.name = "name"
    return out


def methods_section(
    doc, *, seed, settings: dict, data_names: list[str], frames: dict | None = None
) -> dict:
    """Append the methods/provenance/versions section; return its JSON numbers.

    ``data_names`` lists every series the report used (registry names, or the names of
    frames the caller supplied, described from ``frames``)."""
    s = doc.section("Methods, data provenance and versions")
    s.text(
        "Events: first close above the prior all-time closing high after a drought of "
        "`min_gap` sessions (declustered by construction). Day 0 of an event is the first "
        "follower bar whose close time is at or after the leader's information time "
        "(16:00 New York for US indices, 24:00 UTC for daily crypto bars). Horizons are calendar "
        "days. p-values from resampling use (1 + b)/(1 + m) (Phipson & Smyth 2010) and carry "
        "their Monte Carlo standard error; block bootstraps use the stationary bootstrap with "
        "the Politis-White block length; the model-based null simulates GARCH(1,1) paths with "
        "Student-t errors fitted to the follower. Annualisation uses 365 periods a year for "
        "BTC and 252 for exchange-traded series."
    )
    s.table(
        pd.DataFrame({"setting": list(settings), "value": [str(v) for v in settings.values()]}),
        caption="Settings of this report",
    )
    reg = _data_table(data_names, frames or {})
    s.table(reg, caption="Data used (full provenance: riskcycle/datasets/PROVENANCE.md)")
    if any(n in ("btc_long", "btc_coinmetrics") for n in data_names):
        s.text(
            "**Licence of the Bitcoin back-history:** prices before 2014-09-17 are Coin "
            "Metrics community data, licensed CC BY-NC 4.0 (attribution 'Coin Metrics "
            "community data' required; non-commercial use only). This report and anything "
            "derived from those rows inherit the non-commercial condition."
        )
    vers = package_versions()
    s.table(
        pd.DataFrame({"package": list(vers), "version": list(vers.values())}),
        caption=f"Package versions (random seed {seed})",
    )
    s.text("References:")
    for r in REFERENCES:
        s.text(r)
    return {
        "settings": settings,
        "versions": vers,
        "seed": seed,
        "data": {n: reg.loc[n, "licence"] for n in data_names},
    }
