"""Tests of riskcycle.snooping.pbo (Bailey, Borwein, López de Prado & Zhu 2017,
"The probability of backtest overfitting", J. Computational Finance 20(4),
doi:10.21314/JCF.2016.322)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from riskcycle.exceptions import DegenerateDataWarning
from riskcycle.snooping import PBOResult, pbo


def _hand_example() -> pd.DataFrame:
    # S = 4 partitions of 2 rows each (the two rows of a partition are equal, so a
    # partition's mean is its value), N = 3 strategies:
    #             partition:  0  1  2  3
    #   A                     5  0  1  1
    #   B                     1  5  6  4
    #   C                     0  0  2  3
    block_means = np.array([[5, 0, 1, 1], [1, 5, 6, 4], [0, 0, 2, 3]], dtype=float)
    return pd.DataFrame(np.repeat(block_means.T, 2, axis=0), columns=["A", "B", "C"])


def test_hand_computed_example():
    # metric "mean"; in-sample (IS) = the two partitions listed, out-of-sample (OOS) = the
    # other two. Rank 1 = worst of 3, omega = rank / 4, logit = log(omega / (1 - omega)).
    #   IS    IS means (A, B, C)   best  OOS means (A, B, C)   rank  omega  logit
    #   0,1   2.5, 3.0, 0.0        B     1.0, 5.0, 2.5         3     3/4    log 3
    #   0,2   3.0, 3.5, 1.0        B     0.5, 4.5, 1.5         3     3/4    log 3
    #   0,3   3.0, 2.5, 1.5        A     0.5, 5.5, 1.0         1     1/4    -log 3
    #   1,2   0.5, 5.5, 1.0        B     3.0, 2.5, 1.5         2     1/2    0
    #   1,3   0.5, 4.5, 1.5        B     3.0, 3.5, 1.0         3     3/4    log 3
    #   2,3   1.0, 5.0, 2.5        B     2.5, 3.0, 0.0         3     3/4    log 3
    # PBO = share of logit <= 0 = 2/6 (the median rank counts as overfit); no OOS loss.
    res = pbo(_hand_example(), n_partitions=4, metric="mean")
    assert isinstance(res, PBOResult)
    log3 = math.log(3.0)
    assert_allclose(res.logits, [log3, log3, -log3, 0.0, log3, log3], rtol=0, atol=1e-14)
    assert_allclose(res.relative_ranks, [0.75, 0.75, 0.25, 0.5, 0.75, 0.75])
    assert_array_equal(res.selected, [1, 1, 0, 1, 1, 1])
    assert_allclose(res.is_performance, [3.0, 3.5, 3.0, 5.5, 4.5, 5.0])
    assert_allclose(res.oos_performance, [5.0, 4.5, 0.5, 2.5, 3.5, 3.0])
    assert res.pbo == pytest.approx(2 / 6)
    assert res.probability_of_loss == 0.0
    slope, intercept = np.polyfit(res.is_performance, res.oos_performance, 1)
    assert_allclose(
        [res.degradation_slope, res.degradation_intercept], [slope, intercept], rtol=1e-12
    )
    r = np.corrcoef(res.is_performance, res.oos_performance)[0, 1]
    assert_allclose(res.degradation_r2, r**2, rtol=1e-12)
    assert res.n_combinations == 6
    frame = res.to_frame()
    assert frame["combination"].tolist() == ["0-1", "0-2", "0-3", "1-2", "1-3", "2-3"]
    assert frame["selected"].tolist() == ["B", "B", "A", "B", "B", "B"]


def test_callable_metric_equals_builtin():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((203, 9)) * 0.01 + rng.normal(0, 0.001, 9)  # 203: unequal parts
    built = pbo(x, n_partitions=6, metric="sharpe")

    def sharpe(a):
        return a.mean(axis=0) / a.std(axis=0, ddof=1)

    custom = pbo(x, n_partitions=6, metric=sharpe)
    assert custom.metric == "sharpe"
    assert_array_equal(built.selected, custom.selected)
    assert_allclose(built.is_performance, custom.is_performance, rtol=1e-10)
    assert_allclose(built.oos_performance, custom.oos_performance, rtol=1e-10)
    assert_allclose(built.logits, custom.logits, rtol=1e-12)
    mean = pbo(x, n_partitions=6, metric="mean")
    assert_allclose(
        mean.is_performance,
        pbo(x, n_partitions=6, metric=lambda a: a.mean(axis=0)).is_performance,
        rtol=1e-10,
    )


def test_pure_noise_gives_about_one_half():
    # Exchangeable strategies and an even N: the OOS rank of the IS winner is uniform on
    # 1..N, so E[PBO] = P(rank <= N/2) = 1/2 exactly. One data set's PBO is noisy (its
    # combinations share data; SD about 0.2 here), so the mean over 100 independent data
    # sets is compared with 1/2, allowing 4 standard errors of that mean.
    values = np.array(
        [
            pbo(np.random.default_rng(s).standard_normal((400, 20)), n_partitions=8).pbo
            for s in range(100)
        ]
    )
    se = values.std(ddof=1) / math.sqrt(values.size)
    assert abs(values.mean() - 0.5) < 4 * se, (values.mean(), se)
    assert 0.1 < se * math.sqrt(values.size) < 0.3


def test_real_edge_gives_zero():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1000, 20)) * 0.01
    x[:, 5] += 0.004  # Sharpe 0.4 per period: best in every half
    res = pbo(x, n_partitions=16)
    assert res.n_combinations == 12870
    assert res.pbo == 0.0
    assert (res.selected == 5).all()
    assert_allclose(res.logits, math.log(20.0), rtol=1e-12)  # rank N of N
    assert res.probability_of_loss == 0.0


def test_constant_strategy_ranks_last_with_a_warning():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((200, 4))
    x[:, 0] = 0.0  # e.g. a strategy that never trades
    with pytest.warns(DegenerateDataWarning, match="metric is undefined"):
        res = pbo(x, n_partitions=4)
    assert (res.selected != 0).all()
    assert np.isfinite(res.logits).all()
    assert (res.relative_ranks >= 2 / 5).all()  # the constant one ranks 1 of 4 everywhere


def test_views(tmp_path):
    res = pbo(_hand_example(), n_partitions=4, metric="mean")
    assert repr(res).startswith("PBOResult(pbo=0.3333")
    text = str(res.summary())
    assert "Probability of backtest overfitting" in text and "B" in text
    assert set(res.to_frame().columns) == {
        "combination",
        "selected",
        "is_performance",
        "oos_performance",
        "relative_rank",
        "logit",
    }
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = res.plot()
    assert len(fig.axes) == 2 and fig.axes[1].get_xlabel().startswith("in-sample")
    fig.savefig(tmp_path / "pbo.png")
    plt.close("all")


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (
            {"n_partitions": 5},
            ValueError,
            r"`n_partitions` must be an even integer number of "
            r"partitions; got 5",
        ),
        (
            {"n_partitions": 0},
            ValueError,
            r"`n_partitions` must be an even integer number of "
            r"partitions >= 2",
        ),
        ({"n_partitions": 2.0}, TypeError, r"`n_partitions` must be an even integer"),
        ({"n_partitions": 40}, ValueError, r"`returns` must have at least 80 observations for 40"),
        ({"metric": "sortino"}, ValueError, r"`metric` must be one of \['sharpe', 'mean'\] or a"),
        ({"metric": 3}, TypeError, r"`metric` must be one of \['sharpe', 'mean'\] or a callable"),
        ({"metric": lambda a: a.mean()}, ValueError, r"`metric` must return one value per strat"),
    ],
)
def test_invalid_input(kwargs, exc, match):
    x = np.random.default_rng(0).standard_normal((60, 3))
    with pytest.raises(exc, match=match):
        pbo(x, **kwargs)


def test_invalid_data():
    with pytest.raises(ValueError, match=r"`returns` must have at least 2 strategies"):
        pbo(np.zeros((100, 1)))
    with pytest.raises(ValueError, match=r"`returns` must be finite; got inf at row 3"):
        pbo(np.where(np.arange(200).reshape(100, 2) == 6, np.inf, 1.0))
