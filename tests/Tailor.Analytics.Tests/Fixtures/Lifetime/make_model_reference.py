"""Reference values for Tailor's BG/NBD, Pareto/NBD and Gamma-Gamma code, written to model_reference.json.

What it computes, on a small made-up set of customers (x, t_x, T, m) and fixed parameters:
  - per customer: the log-likelihood of BG/NBD, Pareto/NBD and Gamma-Gamma, P(alive) and the expected purchases in the
    next h periods (h = 1, 13, 52) of both purchase models, Gamma-Gamma's expected average spend, and a discounted CLV;
  - hyp2f1(a, b; c; z) on a grid.
Every closed form (scipy.special: gammaln, hyp2f1) is checked here, to 1e-7 relative, against a numerical integration
of the individual-level model against its mixing densities (scipy.integrate.quad; the gamma integrals over the purchase
rate in closed form, the rest — over p, over the death time, over mu — numerically), so the recorded numbers do not rest
on the hypergeometric expressions the C# code uses. CLV is lifetimes' customer_lifetime_value loop
(monthly steps of 30 days, discount (1 + d)^i), written out here.

Packages: Debian's python3 with scipy 1.10.1, numpy 1.24.2.
Re-run (from this folder):  /usr/bin/python3 make_model_reference.py
"""
import json
import math

import numpy as np
from scipy import integrate, special, stats

CUSTOMERS = [  # x, t_x, T (weeks), m (mean repeat spend)
    (0, 0.0, 38.86, 0.0),
    (0, 0.0, 10.0, 0.0),
    (1, 1.71, 38.86, 20.5),
    (2, 30.43, 38.86, 22.35),
    (5, 30.0, 35.0, 40.0),
    (3, 5.0, 38.0, 15.0),
    (10, 37.0, 38.86, 30.2),
    (1, 0.14, 0.5, 12.0),
    (7, 20.0, 52.0, 9.99),
    (4, 38.86, 38.86, 55.0),
    (15, 45.0, 52.0, 80.5),
]
HORIZONS = [1.0, 13.0, 52.0]
BGNBD = [dict(r=0.243, alpha=4.414, a=0.793, b=2.426), dict(r=1.2, alpha=3.0, a=2.5, b=4.0)]
PARETO = [dict(r=0.553, alpha=10.578, s=0.606, beta=11.669), dict(r=1.5, alpha=2.0, s=2.2, beta=5.0),
          dict(r=0.8, alpha=12.0, s=0.4, beta=3.0)]
GAMMAGAMMA = [dict(p=6.25, q=3.74, gamma=15.44), dict(p=2.0, q=5.0, gamma=30.0)]
CLV = dict(horizon_days=365.0, monthly_discount=0.01, period_days=7.0)
TOL = 1e-7


# ---- closed forms (scipy special functions) ----
def bg_ll(x, tx, T, r, alpha, a, b):
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * math.log(alpha + T)
    a4 = math.log(a) - math.log(b + x - 1) - (r + x) * math.log(alpha + tx) if x > 0 else -np.inf
    return a1 + a2 + np.logaddexp(a3, a4)


def bg_palive(x, tx, T, r, alpha, a, b):
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def bg_expected(h, x, tx, T, r, alpha, a, b):
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, h / (alpha + T + h))
    first = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + h)) ** (r + x) * hyp)
    return first * bg_palive(x, tx, T, r, alpha, a, b)


def pareto_a0(x, tx, T, r, alpha, s, beta):
    if alpha >= beta:
        big, small, second = alpha, beta, s + 1
    else:
        big, small, second = beta, alpha, r + x
    rsx = r + s + x
    p1 = special.hyp2f1(rsx, second, rsx + 1, (big - small) / (big + tx)) / (big + tx) ** rsx
    p2 = special.hyp2f1(rsx, second, rsx + 1, (big - small) / (big + T)) / (big + T) ** rsx
    return p1 - p2


def pareto_ll(x, tx, T, r, alpha, s, beta):
    head = special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha) + s * math.log(beta)
    inner = 1 / ((alpha + T) ** (r + x) * (beta + T) ** s) + s / (r + s + x) * pareto_a0(x, tx, T, r, alpha, s, beta)
    return head + math.log(inner)


def pareto_palive(x, tx, T, r, alpha, s, beta):
    return 1 / (1 + s / (r + s + x) * (alpha + T) ** (r + x) * (beta + T) ** s * pareto_a0(x, tx, T, r, alpha, s, beta))


def pareto_expected(h, x, tx, T, r, alpha, s, beta):
    return ((r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + h)) ** (s - 1))
            * pareto_palive(x, tx, T, r, alpha, s, beta))


def gg_ll(x, m, p, q, gamma):
    return (special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * math.log(gamma)
            + (p * x - 1) * math.log(m) + p * x * math.log(x) - (p * x + q) * math.log(gamma + m * x))


def gg_spend(x, m, p, q, gamma):
    return (gamma + m * x) * p / (p * x + q - 1)


def clv(expected, spend, horizon_days, monthly_discount, period_days):
    # lifetimes.utils._customer_lifetime_value: steps of 30 days, the last one cut at the horizon.
    value, before = 0.0, 0.0
    months = int(math.ceil(horizon_days / 30.0))
    for i in range(1, months + 1):
        days = min(30.0 * i, horizon_days)
        e = expected(days / period_days)
        value += (e - before) * spend / (1 + monthly_discount) ** i
        before = e
    return value


# ---- the same quantities by numerical integration over the latent rates ----
def quad(f, lo, hi):
    return integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-12, limit=500)[0]


def lam_moment(x, c, r, alpha):
    # E[lam^x e^{-lam c}] for lam ~ Gamma(r, rate alpha): the gamma integral, in closed form.
    return math.exp(special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha) - (r + x) * math.log(alpha + c))


def bg_by_integration(x, tx, T, hs, r, alpha, a, b):
    # Individual level (FHL 2005, eq. 3): alive (1-p)^x lam^x e^{-lam T}, dead p (1-p)^{x-1} lam^x e^{-lam tx};
    # alive at T, E[Y(h) | lam, p] = (1 - e^{-lam p h}) / p (eq. 7). The lambda integrals are gamma integrals in closed
    # form; the integral over p ~ Beta(a, b) is done numerically (no 2F1 involved).
    bd = stats.beta(a, b)
    alive = quad(lambda p: (1 - p) ** x * bd.pdf(p), 0, 1) * lam_moment(x, T, r, alpha)
    dead = 0.0 if x == 0 else quad(lambda p: p * (1 - p) ** (x - 1) * bd.pdf(p), 0, 1) * lam_moment(x, tx, r, alpha)
    total = alive + dead
    futures = [quad(lambda p: (1 - p) ** x / p * (lam_moment(x, T, r, alpha) - lam_moment(x, T + p * h, r, alpha))
                    * bd.pdf(p), 0, 1) / total for h in hs]
    return math.log(total), alive / total, futures


def pareto_by_integration(x, tx, T, hs, r, alpha, s, beta):
    # Individual level: lam^x e^{-(lam+mu)T} + mu/(lam+mu) lam^x (e^{-(lam+mu)tx} - e^{-(lam+mu)T}), where the second
    # term is lam^x mu * integral_{tx}^{T} e^{-(lam+mu)tau} dtau (death at tau). Mixing over lam and mu is done in closed
    # form inside that integral, and the integral over tau numerically: the 2F1 of the closed form never appears.
    # Alive at T, E[Y(h) | lam, mu] = lam/mu (1 - e^{-mu h}); mixing over mu numerically.
    gm = stats.gamma(s, scale=1 / beta)
    mu_surv = lambda c: (beta / (beta + c)) ** s
    mu_dens = lambda c: s * beta ** s / (beta + c) ** (s + 1)  # E[mu e^{-mu c}]
    alive = lam_moment(x, T, r, alpha) * mu_surv(T)
    dead = quad(lambda tau: lam_moment(x, tau, r, alpha) * mu_dens(tau), tx, T)
    total = alive + dead
    lam_next = lam_moment(x + 1, T, r, alpha)  # E[lam^{x+1} e^{-lam T}]
    futures = [lam_next * quad(lambda mu: math.exp(-mu * T) * (1 - math.exp(-mu * h)) / mu * gm.pdf(mu), 0, np.inf)
               / total for h in hs]
    return math.log(total), alive / total, futures


def gg_by_integration(x, m, p, q, gamma):
    # m is the mean of x Gamma(p, nu) values: Gamma(p x, rate x nu); nu ~ Gamma(q, rate gamma); E[p/nu | m].
    g = stats.gamma(q, scale=1 / gamma)
    dens = lambda nu: stats.gamma.pdf(m, p * x, scale=1 / (x * nu)) * g.pdf(nu)
    total = quad(dens, 0, np.inf)
    spend = quad(lambda nu: p / nu * dens(nu), 0, np.inf)
    return math.log(total), spend / total


def close(a, b, what):
    if not abs(a - b) <= TOL * max(1.0, abs(b)):
        raise SystemExit(f"closed form and integration disagree for {what}: {a!r} vs {b!r}")


def main():
    out = {"customers": [dict(x=x, tx=tx, T=T, m=m) for x, tx, T, m in CUSTOMERS], "horizons": HORIZONS,
           "clv": dict(CLV), "bgnbd": [], "paretonbd": [], "gammagamma": [], "hyp2f1": []}
    for prm in BGNBD:
        rows = []
        for x, tx, T, m in CUSTOMERS:
            ll = bg_ll(x, tx, T, **prm)
            pa = bg_palive(x, tx, T, **prm)
            exp = [bg_expected(h, x, tx, T, **prm) for h in HORIZONS]
            ill, ipa, ies = bg_by_integration(x, tx, T, HORIZONS, **prm)
            close(ll, ill, f"BG/NBD LL {prm} {x, tx, T}")
            close(pa, ipa, f"BG/NBD P(alive) {prm} {x, tx, T}")
            for h, e, ie in zip(HORIZONS, exp, ies):
                close(e, ie, f"BG/NBD E[Y({h})] {prm} {x, tx, T}")
            rows.append(dict(ll=ll, p_alive=pa, expected=exp))
        out["bgnbd"].append(dict(parameters=prm, rows=rows))
    for prm in PARETO:
        rows = []
        for x, tx, T, m in CUSTOMERS:
            ll = pareto_ll(x, tx, T, **prm)
            pa = pareto_palive(x, tx, T, **prm)
            exp = [pareto_expected(h, x, tx, T, **prm) for h in HORIZONS]
            ill, ipa, ies = pareto_by_integration(x, tx, T, HORIZONS, **prm)
            close(ll, ill, f"Pareto/NBD LL {prm} {x, tx, T}")
            close(pa, ipa, f"Pareto/NBD P(alive) {prm} {x, tx, T}")
            for h, e, ie in zip(HORIZONS, exp, ies):
                close(e, ie, f"Pareto/NBD E[Y({h})] {prm} {x, tx, T}")
            rows.append(dict(ll=ll, p_alive=pa, expected=exp))
        out["paretonbd"].append(dict(parameters=prm, rows=rows))
    for prm in GAMMAGAMMA:
        rows = []
        for x, tx, T, m in CUSTOMERS:
            if x == 0:
                rows.append(dict(ll=None, spend=gg_spend(x, m, **prm)))
                continue
            ll, sp = gg_ll(x, m, **prm), gg_spend(x, m, **prm)
            ill, isp = gg_by_integration(x, m, **prm)
            close(ll, ill, f"Gamma-Gamma LL {prm} {x, m}")
            close(sp, isp, f"Gamma-Gamma spend {prm} {x, m}")
            rows.append(dict(ll=ll, spend=sp))
        out["gammagamma"].append(dict(parameters=prm, rows=rows))
    # CLV with the first BG/NBD and Pareto/NBD parameters and the first Gamma-Gamma parameters.
    gg = GAMMAGAMMA[0]
    out["clv"]["bgnbd"] = [clv(lambda h: bg_expected(h, x, tx, T, **BGNBD[0]), gg_spend(x, m, **gg), **CLV)
                           for x, tx, T, m in CUSTOMERS]
    out["clv"]["paretonbd"] = [clv(lambda h: pareto_expected(h, x, tx, T, **PARETO[0]), gg_spend(x, m, **gg), **CLV)
                               for x, tx, T, m in CUSTOMERS]
    for a, b, c in [(0.5, 1.5, 2.0), (2.3, 3.1, 4.7), (10.2, 12.5, 11.0), (1.1, 0.4, 2.1), (25.6, 3.2, 26.6),
                    (0.9, 1.0, 1.9), (3.0, -2.0, 1.5)]:
        for z in [-0.9, -0.3, 0.0, 0.1, 0.5, 0.9, 0.99, 0.999]:
            out["hyp2f1"].append(dict(a=a, b=b, c=c, z=z, value=float(special.hyp2f1(a, b, c, z))))
    with open("model_reference.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
