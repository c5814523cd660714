"""lib.outliers.casemix: the cell fit against a ticket-level GLM, levels, nulls and pooling."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm

from lib.outliers import NONE_LEVEL, OTHER_LEVEL, agent_outliers, fit_case_mix
from tests.outliers.helpers import frame
from tests.sim_helpdesk import simulate_helpdesk


def test_cell_fit_equals_ticket_level_glm():
    sim = simulate_helpdesk(11, n_agents=10, n_tickets=3000)
    model = fit_case_mix(sim.tickets, ("category", "channel", "priority", "customer_tier"))
    assert model.terms == ("category", "channel", "priority", "customer_tier")
    # the same main-effects model fitted ticket by ticket with statsmodels
    t = sim.tickets.with_columns(pl.col("customer_tier").fill_null(NONE_LEVEL))
    columns, names = [np.ones(t.height)], []
    for term in model.terms:
        for level in list(model.coefficients[term])[1:]:
            columns.append((t.get_column(term) == level).to_numpy().astype(float))
            names.append((term, level))
    res = sm.GLM(
        t.get_column("escalated").to_numpy().astype(float),
        np.column_stack(columns),
        family=sm.families.Binomial(),
    ).fit()
    assert model.intercept == pytest.approx(res.params[0], abs=1e-6)
    for (term, level), coef in zip(names, res.params[1:], strict=True):
        assert model.coefficients[term][level] == pytest.approx(coef, abs=1e-6)
    assert model.predict(t).to_numpy() == pytest.approx(res.fittedvalues, abs=1e-8)


def test_model_recovers_the_simulated_effects():
    sim = simulate_helpdesk(5, n_tickets=150_000, n_raised=0)
    coef = fit_case_mix(sim.tickets).coefficients
    assert coef["channel"]["phone"] - coef["channel"]["email"] == pytest.approx(0.5, abs=0.06)
    assert coef["priority"]["urgent"] - coef["priority"]["normal"] == pytest.approx(1.0, abs=0.06)
    assert coef["customer_tier"]["enterprise"] - coef["customer_tier"]["pro"] == pytest.approx(
        0.6, abs=0.06
    )


def test_nulls_in_case_mix_are_their_own_level():
    # tickets without a tier escalate far more; agent x takes most of them
    rows = []
    for agent, tier, n, o in [
        ("x", None, 200, 80), ("x", "pro", 100, 10),
        ("y", "pro", 300, 30), ("y", None, 20, 8),
        ("z", "pro", 300, 30), ("z", "free", 100, 5), ("y", "free", 100, 5),
    ]:  # fmt: skip
        rows += [(agent, tier, i < o) for i in range(n)]
    t = pl.DataFrame(
        rows,
        schema={"agent": pl.String, "customer_tier": pl.String, "escalated": pl.Boolean},
        orient="row",
    )
    model = fit_case_mix(t)
    assert model.terms == ("customer_tier",)
    assert model.coefficients["customer_tier"][NONE_LEVEL] > 1.0
    probs = model.predict(pl.DataFrame({"customer_tier": [None, "pro"]})).to_list()
    assert probs == pytest.approx([88 / 220, 70 / 700], abs=1e-6)
    x = (
        agent_outliers(t, leave_one_out=False, shrink=False)
        .filter(pl.col("agent") == "x")
        .row(0, named=True)
    )
    assert x["ratio"] == pytest.approx(90 / (200 * 0.4 + 10), abs=1e-6) and not x["flagged"]


def test_rare_levels_are_pooled_and_single_level_columns_dropped():
    t = frame([("a", 300, 30), ("b", 300, 30)]).with_columns(
        category=pl.Series(["common"] * 290 + ["rare"] * 5 + ["odd"] * 5 + ["common"] * 300),
        channel=pl.lit("email"),
        priority=pl.lit(None, dtype=pl.String),
    )
    model = fit_case_mix(t)
    assert model.terms == ("category",)  # one channel, no priority: not used
    assert set(model.pooled["category"]) == {"odd", "rare"}
    assert OTHER_LEVEL in model.coefficients["category"]


def test_cell_probabilities_and_design_read_levels_as_the_expression_does():
    # issue 18: the comparison works out each cell's probability and design in numpy; a
    # level the model pooled, one it never saw and a missing value read as in Polars
    from lib.outliers import loo

    rng = np.random.default_rng(3)
    n = 2000
    t = pl.DataFrame(
        {
            "category": rng.choice(
                ["a", "b", "c", "rare1", "rare2"], n, p=[0.4, 0.3, 0.29, 0.005, 0.005]
            ),
            "channel": rng.choice(["web", "mail", None], n),
            "escalated": rng.random(n) < 0.3,
        }
    )
    model = fit_case_mix(t, ["category", "channel"])
    assert OTHER_LEVEL in model.coefficients["category"]  # the rare ones pooled
    cells = pl.DataFrame(
        {
            "category": ["a", "b", "c", "rare1", "unseen", None, "a"],
            "channel": ["web", "mail", None, "web", "mail", "web", "phone"],
        }
    )
    expected = cells.select(model.expr()).to_series().to_numpy()
    np.testing.assert_allclose(model.probabilities(cells), expected, rtol=1e-15, atol=0)
    x = loo._design(cells, model)
    np.testing.assert_allclose(loo._expit(x @ loo._params(model)), expected, rtol=1e-12)
    # no pooled level: an unseen value reads as the reference level (coefficient 0)
    plain = fit_case_mix(t.filter(pl.col("category").is_in(["a", "b", "c"])), ["category"])
    assert OTHER_LEVEL not in plain.coefficients["category"]
    x = loo._design(cells, plain)
    assert x.shape == (7, 3) and x[4].tolist() == [1.0, 0.0, 0.0]
    np.testing.assert_allclose(
        plain.probabilities(cells), cells.select(plain.expr()).to_series().to_numpy(), rtol=1e-15
    )


def test_level_sizes_order_levels_as_polars_sorts_them():
    # the pooling counts each level's tickets in numpy; ties go in the order Polars sorts
    # text (accents, emoji, digits, the empty string, the (none) and (other) levels)
    from lib.outliers.casemix import _level_sizes

    words = ["é", "Z", "a", "ab", "a b", "Ω", "ß", "(none)", "(other)", "10", "9", "", "😀", "Á"]
    rng = np.random.default_rng(1)
    for _ in range(200):
        k = int(rng.integers(1, 30))
        counts = pl.DataFrame(
            {"c": rng.choice(words, k).tolist(), "n": rng.integers(0, 5, k).tolist()}
        )
        sizes = (
            counts.group_by(pl.col("c").alias("level"))
            .agg(pl.col("n").sum())
            .sort(["n", "level"], descending=[True, False])
        )
        expected = (sizes.get_column("level").to_list(), sizes.get_column("n").to_list())
        assert _level_sizes(counts, "c") == expected
        # a gap in the column: grouped in Polars, the same order
        gap = counts.with_columns(c=pl.when(pl.col("c") == "a").then(None).otherwise("c"))
        levels, _ = _level_sizes(gap, "c")
        assert sorted(levels, key=str) == sorted(gap.get_column("c").unique().to_list(), key=str)


def _statsmodels_fit(endog: np.ndarray, design: np.ndarray):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.GLM(endog, design, family=sm.families.Binomial()).fit(
            tol=1e-10, wls_method="pinv"
        )


def test_binomial_fit_takes_the_steps_statsmodels_takes():
    # issue 18: the case-mix fit runs statsmodels' IRLS itself (no objects per step, QR
    # instead of an SVD of the design); it must land where statsmodels' GLM lands: dummies
    # of 1-5 columns, aliased columns, separated levels, fewer cells than parameters
    from lib.outliers.casemix import _fit_binomial

    rng = np.random.default_rng(0)
    separated = aliased = 0
    for _ in range(300):
        m = int(rng.integers(3, 300))
        columns = [np.ones(m)]
        for _ in range(int(rng.integers(1, 6))):
            k, g = int(rng.integers(2, 6)), rng.integers(0, 6, m)
            columns += [(g == level).astype(float) for level in range(1, k)]
        if rng.random() < 0.3 and len(columns) > 2:
            columns.append(columns[1] + columns[2])  # a level seen only with two others
            aliased += 1
        x = np.column_stack(columns)
        n = rng.integers(1, 50, m).astype(float)
        p = 1 / (1 + np.exp(-(x @ rng.normal(0, 1.5, x.shape[1]))))
        if rng.random() < 0.2:
            p[x[:, -1] == 1] = 0.0  # a level that never escalates
        o = rng.binomial(n.astype(int), p).astype(float)
        endog = np.column_stack([o, n - o])
        params, converged = _fit_binomial(endog, x)
        reference = _statsmodels_fit(endog, x)
        assert converged == bool(reference.converged)
        ours, theirs = 1 / (1 + np.exp(-x @ params)), 1 / (1 + np.exp(-x @ reference.params))
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
        if np.abs(reference.params).max() > 15:
            separated += 1
            # as far along the separated direction as statsmodels goes (not identified: the
            # same steps, rounding grown over some 25 of them)
            np.testing.assert_allclose(params, reference.params, rtol=1e-3, atol=1e-3)
        else:
            np.testing.assert_allclose(params, reference.params, rtol=1e-9, atol=1e-9)
    assert separated > 20 and aliased > 50


def test_binomial_fit_on_fifteen_thousand_cells_is_statsmodels_fit():
    # the size of two years of months: 43 parameters, where the QR replaces the SVD
    from lib.outliers.casemix import _fit_binomial

    rng = np.random.default_rng(9)
    m = 15_000
    groups = [rng.integers(0, k, m) for k in (10, 5, 4, 3, 25)]
    x = np.column_stack(
        [np.ones(m)]
        + [(g == level).astype(float) for g in groups for level in range(1, g.max() + 1)]
    )
    n = rng.integers(1, 80, m).astype(float)
    o = rng.binomial(n.astype(int), 1 / (1 + np.exp(-(x @ rng.normal(-1, 0.5, x.shape[1])))))
    endog = np.column_stack([o.astype(float), n - o])
    params, converged = _fit_binomial(endog, x)
    reference = _statsmodels_fit(endog, x)
    assert converged and reference.converged and x.shape == (m, 43)
    np.testing.assert_allclose(params, reference.params, rtol=1e-9, atol=1e-12)
