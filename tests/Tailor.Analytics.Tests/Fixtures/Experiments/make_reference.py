"""Reference values for Tailor's experiment statistics (tests/Tailor.Analytics.Tests/Experiments/*).

What it computes, on fixed made-up inputs (seeded numpy draws, written out as per-arm sums and, for one case, as a
per-user CSV):
  - established packages, used as published:
      statsmodels.stats.proportion.proportions_ztest          two-proportion z test (pooled variance under H0)
      scipy.stats.ttest_ind(equal_var=False)                    Welch's t on the difference of means
      statsmodels.stats.weightstats.CompareMeans.tconfint_diff  Welch CI of the difference (usevar="unequal")
      statsmodels.stats.multitest.multipletests                 Holm and Benjamini-Hochberg ("holm", "fdr_bh")
      scipy.stats.chisquare                                     sample-ratio-mismatch goodness of fit
      statsmodels.stats.proportion.samplesize_proportions_2indep_onetail   sample size, two proportions
      statsmodels.stats.power.NormalIndPower.solve_power        sample size, two means
      scipy.stats.beta + scipy.integrate.quad + scipy.optimize.brentq      beta-binomial chance to beat, loss, quantiles
      scipy.stats.norm + scipy.integrate.quad                   normal posterior: chance to beat, expected loss by
                                                                numeric integration (Tailor uses the closed form)
  - an independent numpy implementation of GrowthBook's gbstats formulas, written here from their documented math
    (not gbstats' code): the delta-method relative lift and its Welch t / z test; the ratio metric's delta-method
    variance; CUPED with theta pooled over both arms (computed from the raw per-user arrays with np.cov, not from the
    sums Tailor reads); the normal-mixture always-valid confidence sequence and p-value (Howard et al. 2021, eq. 14,
    with rho tuned at GrowthBook's sequential_tuning_parameter); the normal posterior with a flat or a normal prior.

Package versions: Python 3 (Debian), numpy 1.24.2, scipy 1.10.1, statsmodels 0.13.5.
Re-run from the repository root:  /usr/bin/python3 tests/Tailor.Analytics.Tests/Fixtures/Experiments/make_reference.py
It rewrites reference.json and per_user.csv beside itself.
"""
import json
import os

import numpy as np
import scipy
import statsmodels
from scipy import integrate, optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportions_ztest, samplesize_proportions_2indep_onetail
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHA = 0.05
TUNING = 5000.0


def fl(x):
    return float(x)


# ---- gbstats formulas, written from the documented math -------------------------------------------------------------

def welch_df(va, na, vb, nb):
    sa, sb = va / na, vb / nb
    return (sa + sb) ** 2 / (sa ** 2 / (na - 1) + sb ** 2 / (nb - 1))


def relative(mean_a, var_a, n_a, mean_b, var_b, n_b, mean_a_unadj=None, mean_b_unadj=None):
    """(B - A) / A and its delta-method variance var_b/(A^2 n_b) + var_a B^2/(A^4 n_a) (unadjusted means in the gradient)."""
    ma = mean_a if mean_a_unadj is None else mean_a_unadj
    mb = mean_b if mean_b_unadj is None else mean_b_unadj
    est = (mean_b - mean_a) / ma
    var = var_b / (ma ** 2 * n_b) + var_a * mb ** 2 / (ma ** 4 * n_a)
    return est, var


def fixed(est, var, df):
    se = np.sqrt(var)
    if df is None:
        p = 2 * stats.norm.sf(abs(est / se))
        q = stats.norm.ppf(1 - ALPHA / 2)
    else:
        p = 2 * stats.t.sf(abs(est / se), df)
        q = stats.t.ppf(1 - ALPHA / 2, df)
    return {"estimate": fl(est), "se": fl(se), "p": fl(p), "lower": fl(est - q * se), "upper": fl(est + q * se)}


def sequential(est, var, n):
    rho = np.sqrt((-2 * np.log(ALPHA) + np.log(-2 * np.log(ALPHA) + 1)) / TUNING)
    s2 = var * n
    width = np.sqrt(s2) * np.sqrt(2 * (n * rho ** 2 + 1) / (n ** 2 * rho ** 2) * np.log(np.sqrt(n * rho ** 2 + 1) / ALPHA))
    t = n * rho ** 2 + 1
    evalue = np.exp(rho ** 2 * n * est ** 2 / (2 * var * t)) / np.sqrt(t)
    return {"lower": fl(est - width), "upper": fl(est + width), "p": fl(min(1.0, 1.0 / evalue))}


def normal_posterior(est, var, prior=None):
    if prior is None:
        mu, sd = est, np.sqrt(var)
    else:
        m0, tau = prior
        prec = 1 / var + 1 / tau ** 2
        mu, sd = (est / var + m0 / tau ** 2) / prec, np.sqrt(1 / prec)
    lo, hi = mu - 12 * sd, mu + 12 * sd
    # Losses by numeric integration of the posterior, independently of the closed form Tailor uses.
    loss_treatment = integrate.quad(lambda x: max(0.0, -x) * stats.norm.pdf(x, mu, sd), lo, hi, points=[0.0] if lo < 0 < hi else None, epsabs=1e-14, limit=200)[0]
    loss_control = integrate.quad(lambda x: max(0.0, x) * stats.norm.pdf(x, mu, sd), lo, hi, points=[0.0] if lo < 0 < hi else None, epsabs=1e-14, limit=200)[0]
    return {"mean": fl(mu), "sd": fl(sd), "chance": fl(stats.norm.sf(0, mu, sd)),
            "loss_treatment": fl(loss_treatment), "loss_control": fl(loss_control),
            "lower": fl(stats.norm.ppf(ALPHA / 2, mu, sd)), "upper": fl(stats.norm.ppf(1 - ALPHA / 2, mu, sd))}


# ---- beta-binomial by quadrature ---------------------------------------------------------------------------------------

def beta_binomial(ca, na, cb, nb, prior=(1.0, 1.0)):
    a = stats.beta(prior[0] + ca, prior[1] + na - ca)
    b = stats.beta(prior[0] + cb, prior[1] + nb - cb)
    lo, hi = 0.0, 1.0
    pts = [a.ppf(1e-12), a.mean(), a.ppf(1 - 1e-12)]

    def over_a(g):
        return integrate.quad(lambda x: a.pdf(x) * g(x), lo, hi, points=pts, epsabs=1e-14, epsrel=1e-12, limit=500)[0]

    chance = over_a(lambda x: b.sf(x))
    loss_treatment = integrate.dblquad(lambda y, x: max(0.0, x - y) * a.pdf(x) * b.pdf(y), a.ppf(1e-12), a.ppf(1 - 1e-12),
                                       lambda x: b.ppf(1e-12), lambda x: b.ppf(1 - 1e-12), epsabs=1e-13)[0]
    loss_control = integrate.dblquad(lambda y, x: max(0.0, y - x) * a.pdf(x) * b.pdf(y), a.ppf(1e-12), a.ppf(1 - 1e-12),
                                     lambda x: b.ppf(1e-12), lambda x: b.ppf(1 - 1e-12), epsabs=1e-13)[0]

    def cdf(r):
        return over_a(lambda x: b.cdf(min(1.0, (1 + r) * x)))

    q_lo = optimize.brentq(lambda r: cdf(r) - ALPHA / 2, -0.999, 20, xtol=1e-13)
    q_hi = optimize.brentq(lambda r: cdf(r) - (1 - ALPHA / 2), -0.999, 20, xtol=1e-13)
    return {"chance": fl(chance), "loss_treatment": fl(loss_treatment), "loss_control": fl(loss_control),
            "lower": fl(q_lo), "upper": fl(q_hi)}


# ---- cases ---------------------------------------------------------------------------------------------------------------

def rate_case(name, na, ca, nb, cb):
    pa, pb = ca / na, cb / nb
    va, vb = pa * (1 - pa), pb * (1 - pb)
    z, p = proportions_ztest([cb, ca], [nb, na])
    rel, rel_var = relative(pa, va, na, pb, vb, nb)
    abs_var = va / na + vb / nb
    return {
        "name": name,
        "control": {"arm": "A", "units": na, "conversions": ca},
        "treatment": {"arm": "B", "units": nb, "conversions": cb},
        "ztest": {"z": fl(z), "p": fl(p)},
        "relative_fixed": fixed(rel, rel_var, None),
        "relative_sequential": sequential(rel, rel_var, na + nb),
        "absolute_sequential": sequential(pb - pa, abs_var, na + nb),
        "beta_binomial": beta_binomial(ca, na, cb, nb),
        "normal_flat": normal_posterior(rel, rel_var),
        "normal_prior": normal_posterior(rel, rel_var, (0.0, 0.3)),
    }


def sums(y):
    return {"sum": fl(y.sum()), "sumOfSquares": fl((y * y).sum())}


def mean_case(name, a, b):
    na, nb = len(a), len(b)
    va, vb = np.var(a, ddof=1), np.var(b, ddof=1)
    t, p = stats.ttest_ind(b, a, equal_var=False)
    lo, hi = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(alpha=ALPHA, usevar="unequal")
    df = welch_df(va, na, vb, nb)
    rel, rel_var = relative(a.mean(), va, na, b.mean(), vb, nb)
    return {
        "name": name,
        "control": {"arm": "A", "units": na, **sums(a)},
        "treatment": {"arm": "B", "units": nb, **sums(b)},
        "welch": {"t": fl(t), "p": fl(p), "df": fl(df), "lower": fl(lo), "upper": fl(hi)},
        "relative_fixed": fixed(rel, rel_var, df),
        "relative_sequential": sequential(rel, rel_var, na + nb),
        "normal_flat": normal_posterior(rel, rel_var),
        "normal_prior": normal_posterior(rel, rel_var, (0.02, 0.1)),
    }


def ratio_moments(m, d):
    n = len(m)
    c = np.cov(np.vstack([m, d]), ddof=1)
    mb, db = m.mean(), d.mean()
    g = np.array([1 / db, -mb / db ** 2])
    return m.sum() / d.sum(), float(g @ c @ g), n


def ratio_sums(m, d):
    return {"sum": fl(m.sum()), "sumOfSquares": fl((m * m).sum()), "denominatorSum": fl(d.sum()),
            "denominatorSumOfSquares": fl((d * d).sum()), "numeratorDenominatorProducts": fl((m * d).sum())}


def ratio_case(name, ma, da, mb, db):
    ra, va, na = ratio_moments(ma, da)
    rb, vb, nb = ratio_moments(mb, db)
    df = welch_df(va, na, vb, nb)
    rel, rel_var = relative(ra, va, na, rb, vb, nb)
    return {
        "name": name,
        "control": {"arm": "A", "units": na, **ratio_sums(ma, da)},
        "treatment": {"arm": "B", "units": nb, **ratio_sums(mb, db)},
        "ratio": {"control": fl(ra), "control_variance": fl(va), "treatment": fl(rb), "treatment_variance": fl(vb), "df": fl(df)},
        "absolute_fixed": fixed(rb - ra, va / na + vb / nb, df),
        "relative_fixed": fixed(rel, rel_var, df),
    }


def cuped_mean_case(name, ya, xa, yb, xb):
    na, nb = len(ya), len(yb)
    ca, cb = np.cov(ya, xa, ddof=1), np.cov(yb, xb, ddof=1)
    theta = (ca[0, 1] / na + cb[0, 1] / nb) / (ca[1, 1] / na + cb[1, 1] / nb)
    adj_va, adj_vb = np.var(ya - theta * xa, ddof=1), np.var(yb - theta * xb, ddof=1)
    abs_adj = (yb.mean() - theta * xb.mean()) - (ya.mean() - theta * xa.mean())
    abs_var = adj_va / na + adj_vb / nb
    unadj_var = ca[0, 0] / na + cb[0, 0] / nb
    df = welch_df(adj_va, na, adj_vb, nb)
    rel, rel_var = relative(ya.mean() - theta * xa.mean(), adj_va, na, yb.mean() - theta * xb.mean(), adj_vb, nb, ya.mean(), yb.mean())

    def s(y, x):
        return {**sums(y), "covariateSum": fl(x.sum()), "covariateSumOfSquares": fl((x * x).sum()), "valueCovariateProducts": fl((y * x).sum())}

    return {
        "name": name,
        "control": {"arm": "A", "units": na, **s(ya, xa)},
        "treatment": {"arm": "B", "units": nb, **s(yb, xb)},
        "cuped": {"theta": fl(theta), "variance_removed": fl(1 - abs_var / unadj_var)},
        "absolute_fixed": fixed(abs_adj, abs_var, df),
        "relative_fixed": fixed(rel, rel_var, df),
    }


def cuped_ratio_case(name, a, b):
    """a, b: (m, d, m_pre, d_pre) arrays per arm."""
    def lin(arm):
        m, d, mx, dx = arm
        c = np.cov(np.vstack([m, d, mx, dx]), ddof=1)
        g = np.array([1 / d.mean(), -m.mean() / d.mean() ** 2, 0, 0])
        h = np.array([0, 0, 1 / dx.mean(), -mx.mean() / dx.mean() ** 2])
        return m.sum() / d.sum(), mx.sum() / dx.sum(), float(g @ c @ g), float(h @ c @ h), float(g @ c @ h), len(m)

    ra, xa, va, vxa, ca, na = lin(a)
    rb, xb, vb, vxb, cb, nb = lin(b)
    theta = (ca / na + cb / nb) / (vxa / na + vxb / nb)
    adj_va = va + theta ** 2 * vxa - 2 * theta * ca
    adj_vb = vb + theta ** 2 * vxb - 2 * theta * cb
    abs_adj = (rb - theta * xb) - (ra - theta * xa)
    abs_var = adj_va / na + adj_vb / nb
    df = welch_df(adj_va, na, adj_vb, nb)
    rel, rel_var = relative(ra - theta * xa, adj_va, na, rb - theta * xb, adj_vb, nb, ra, rb)

    def s(arm):
        m, d, mx, dx = arm
        return {**ratio_sums(m, d), "covariateSum": fl(mx.sum()), "covariateSumOfSquares": fl((mx * mx).sum()),
                "valueCovariateProducts": fl((m * mx).sum()), "covariateDenominatorSum": fl(dx.sum()),
                "covariateDenominatorSumOfSquares": fl((dx * dx).sum()), "covariateNumeratorDenominatorProducts": fl((mx * dx).sum()),
                "numeratorCovariateDenominatorProducts": fl((m * dx).sum()), "denominatorCovariateProducts": fl((d * mx).sum()),
                "denominatorCovariateDenominatorProducts": fl((d * dx).sum())}

    return {
        "name": name,
        "control": {"arm": "A", "units": na, **s(a)},
        "treatment": {"arm": "B", "units": nb, **s(b)},
        "cuped": {"theta": fl(theta), "variance_removed": fl(1 - abs_var / (va / na + vb / nb))},
        "absolute_fixed": fixed(abs_adj, abs_var, df),
        "relative_fixed": fixed(rel, rel_var, df),
    }


def main():
    rng = np.random.default_rng(20261204)
    out = {"versions": {"numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
           "alpha": ALPHA, "sequential_tuning": TUNING}

    out["rates"] = [
        rate_case("1000 vs 1000 users, 10.0% vs 13.0%", 1000, 100, 1000, 130),
        rate_case("5000 vs 5100 users, 10.0% vs 10.6%", 5000, 500, 5100, 540),
        rate_case("200 vs 210 users, 3 vs 9 conversions", 200, 3, 210, 9),
    ]

    def revenue(n, scale):
        buys = rng.random(n) < 0.3
        return np.where(buys, np.round(rng.lognormal(3.0, 0.8, n) * scale, 2), 0.0)

    a1, b1 = revenue(400, 1.0), revenue(380, 1.15)
    a2, b2 = rng.normal(50, 12, 60), rng.normal(54, 20, 45)
    out["means"] = [mean_case("revenue per user, 400 vs 380 users", a1, b1), mean_case("normal values, 60 vs 45 units, unequal variances", a2, b2)]

    def orders(n, scale):
        d = rng.poisson(2.0, n) + 1.0
        m = np.round(d * rng.lognormal(3.5, 0.5, n) * scale, 2)
        return m, d

    ma, da = orders(300, 1.0)
    mb, db = orders(320, 1.08)
    out["ratios"] = [ratio_case("revenue per order, 300 vs 320 users", ma, da, mb, db)]

    xa = rng.gamma(2.0, 20.0, 500)
    xb = rng.gamma(2.0, 20.0, 520)
    ya = 0.8 * xa + rng.normal(10, 15, 500)
    yb = 0.8 * xb + rng.normal(14, 15, 520)
    out["cuped_means"] = [cuped_mean_case("revenue with last month's revenue as covariate, 500 vs 520 users", ya, xa, yb, xb)]

    def ratio_pre(n, scale):
        dx = rng.poisson(2.0, n) + 1.0
        taste = rng.lognormal(3.5, 0.5, n)
        mx = np.round(dx * taste, 2)
        d = rng.poisson(2.0, n) + 1.0
        m = np.round(d * taste * rng.lognormal(0, 0.2, n) * scale, 2)
        return m, d, mx, dx

    out["cuped_ratios"] = [cuped_ratio_case("revenue per order with the pre-period ratio as covariate, 400 vs 410 users", ratio_pre(400, 1.0), ratio_pre(410, 1.05))]

    pvals = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.6]
    out["multiple"] = {"p": pvals, "holm": [fl(x) for x in multipletests(pvals, method="holm")[1]],
                       "fdr_bh": [fl(x) for x in multipletests(pvals, method="fdr_bh")[1]]}

    srm = []
    for observed, weights in [([5000, 5100], [1, 1]), ([5000, 5400], [1, 1]), ([3300, 3350, 3100], [1, 1, 1]), ([2100, 7900], [0.2, 0.8])]:
        total = sum(observed)
        expected = [total * w / sum(weights) for w in weights]
        chi2, p = stats.chisquare(observed, expected)
        srm.append({"observed": observed, "weights": weights, "chi2": fl(chi2), "p": fl(p)})
    out["srm"] = srm

    plans = []
    for base, mde_rel, power, comparisons in [(0.10, 0.10, 0.8, 1), (0.03, 0.20, 0.9, 1), (0.10, 0.10, 0.8, 3)]:
        alpha = ALPHA / comparisons  # Bonferroni over the comparisons with control
        n = samplesize_proportions_2indep_onetail(base * mde_rel, base, power, ratio=1, alpha=alpha, alternative="two-sided")
        plans.append({"kind": "rate", "baseline": base, "mde_relative": mde_rel, "power": power, "comparisons": comparisons, "n_per_arm": fl(n)})
    for mean, sd, mde_abs, power, comparisons in [(50.0, 30.0, 2.5, 0.8, 1), (10.0, 4.0, 0.2, 0.9, 2)]:
        alpha = ALPHA / comparisons
        n = NormalIndPower().solve_power(effect_size=mde_abs / sd, alpha=alpha, power=power, ratio=1.0, alternative="two-sided")
        plans.append({"kind": "mean", "mean": mean, "sd": sd, "mde_absolute": mde_abs, "power": power, "comparisons": comparisons, "n_per_arm": fl(n)})
    out["plans"] = plans

    # A three-arm rate experiment through the whole analysis: relative-lift z p-values (gbstats formulas), Holm over both.
    arms = [("A", 4000, 400), ("B", 4020, 470), ("C", 3990, 415)]
    _, na, ca = arms[0]
    raw = []
    for _, n, c in arms[1:]:
        pa, pb = ca / na, c / n
        rel, var = relative(pa, pa * (1 - pa), na, pb, pb * (1 - pb), n)
        raw.append(fixed(rel, var, None)["p"])
    out["experiment"] = {"arms": [{"arm": a, "units": n, "conversions": c} for a, n, c in arms], "p": raw,
                         "holm": [fl(x) for x in multipletests(raw, method="holm")[1]],
                         "fdr_bh": [fl(x) for x in multipletests(raw, method="fdr_bh")[1]]}

    # The per-user CSV of the CUPED mean case, for the CLI: unit,variant,value,covariate (its reference values are above).
    with open(os.path.join(HERE, "per_user.csv"), "w") as f:
        f.write("unit,variant,value,covariate\n")
        i = 0
        for arm, ys, xs in (("A", ya, xa), ("B", yb, xb)):
            for y, x in zip(ys, xs):
                i += 1
                f.write(f"u{i},{arm},{y!r},{x!r}\n")

    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
