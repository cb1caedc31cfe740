"""The fast threshold test (Pierson, Corbett-Davies & Goel 2018) with a numpy HMC sampler.

Model (as ``stan/threshold_test_hierarchical_identified.stan`` of the Stanford Open Policing
Project, one geography, ``prior_scaling_factor = 1``). For cell i = (group r, area d) with N_i
stops, s_i searches and h_i hits:

* an officer sees a signal x; among the people stopped a share phi_i carries something, with
  x ~ N(delta_i, 1), the rest x ~ N(0, 1) (the *discriminant distribution*);
* the officer searches when x > t_i, so
  search rate  S_i = phi_i (1 - Phi(t_i - delta_i)) + (1 - phi_i)(1 - Phi(t_i)),
  hit rate     H_i = phi_i (1 - Phi(t_i - delta_i)) / S_i;
* s_i ~ Binomial(N_i, S_i), h_i ~ Binomial(s_i, H_i);
* phi_i = logit^-1(mu_phi + phi_r + phi_d), delta_i = exp(mu_delta + delta_r + delta_d),
  t_i = t_r + sigma_t z_i; phi_1 = delta_1 = 0 for the first group and area;
* priors: mu_phi, mu_delta, t_r, z_i ~ N(0, 1); phi_r ~ N(0, 0.25^2); delta_r, phi_d, delta_d ~
  N(0, 0.1^2); sigma_t ~ N+(0, 1).

The threshold on the probability scale is the probability of carrying something at the margin,
P(guilty | x = t) = phi N(t; delta, 1) / (phi N(t; delta, 1) + (1 - phi) N(t; 0, 1)), i.e.
logit p = logit phi + t delta - delta^2 / 2. Discrimination against g: p_g < p_r (a lower bar).

The log-likelihood simplifies to (N - s) log(1 - S) + h log A + (s - h) log B with
A = phi (1 - Phi(t - delta)) and B = (1 - phi)(1 - Phi(t)); its gradient is written out below.

Inference (Stan and cmdstan are not available offline): Hamiltonian Monte Carlo (Neal 2011) in
the non-centred parameterisation (t_i = t_r + sigma z_i), whitened by the Laplace approximation
at the posterior mode. The mode is found with L-BFGS refined by trust-region Newton steps on the
numerical Hessian of the analytic gradient (with tens of thousands of stops the posterior is a
thin ridge and L-BFGS alone stalls, which would misplace the metric). The metric is
re-estimated from the first half of warm-up; step sizes are tuned per chain by dual averaging to
80 % acceptance (Hoffman & Gelman 2014, §3.2); leapfrog steps are jittered around a trajectory
length of 1.5 (at most ``MAX_LEAPFROG``). The first coordinate is sampled as the logit hit rate
of the reference cell instead of mu_phi (a shear with Jacobian 1, see ``_model_coordinates``):
the data fix hit rates, not phi and delta separately, and in these coordinates the ridge of the
posterior is nearly straight. Chains run in parallel from jittered starts with an explicit seed;
split R-hat (Gelman et al. 2013, *BDA3* §11.4) over the thresholds is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import expit, log_ndtr
from threadpoolctl import threadpool_limits

from gelijk.engines.errors import InputError

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
#: Upper bound on leapfrog steps per iteration: bounds the cost when the posterior is very
#: concentrated (millions of actions); mixing is then judged by R-hat, reported.
MAX_LEAPFROG = 40
#: Median searches per cell from which the centred parameterisation is used.
CENTRED_MIN_SEARCHES = 20


def _logpdf(x):
    return -0.5 * x * x - _LOG_SQRT_2PI


@dataclass(frozen=True)
class ThresholdData:
    stops: np.ndarray
    searches: np.ndarray
    hits: np.ndarray
    group: np.ndarray  # 0..R-1
    area: np.ndarray  # 0..D-1

    @property
    def n_groups(self) -> int:
        return int(self.group.max()) + 1

    @property
    def n_areas(self) -> int:
        return int(self.area.max()) + 1


class _Model:
    def __init__(self, data: ThresholdData) -> None:
        self.d = data
        r, d, n = data.n_groups, data.n_areas, len(data.stops)
        self.r, self.a, self.n = r, d, n
        self.sizes = [
            ("mu_phi", 1),
            ("mu_delta", 1),
            ("phi_r", r - 1),
            ("delta_r", r - 1),
            ("phi_d", d - 1),
            ("delta_d", d - 1),
            ("t_r", r),
            ("log_sigma", 1),
            ("t", n),
        ]
        self.slices = {}
        pos = 0
        for name, size in self.sizes:
            self.slices[name] = slice(pos, pos + size)
            pos += size
        self.dim = pos
        # Linear maps from the parameter vector to the cell-level linear predictors, so one
        # matrix product gives eta_phi, eta_delta and the group mean of t for all draws.
        self.a_phi = np.zeros((pos, n))
        self.a_delta = np.zeros((pos, n))
        self.a_t = np.zeros((pos, n))
        cells = np.arange(n)
        self.a_phi[self.slices["mu_phi"].start] = 1.0
        self.a_delta[self.slices["mu_delta"].start] = 1.0
        for gi in range(1, r):
            sel = data.group == gi
            self.a_phi[self.slices["phi_r"].start + gi - 1, sel] = 0.25
            self.a_delta[self.slices["delta_r"].start + gi - 1, sel] = 0.1
        for di in range(1, d):
            sel = data.area == di
            self.a_phi[self.slices["phi_d"].start + di - 1, sel] = 0.1
            self.a_delta[self.slices["delta_d"].start + di - 1, sel] = 0.1
        self.a_t[self.slices["t_r"].start + data.group, cells] = 1.0
        self.N = data.stops.astype(float)
        self.s = data.searches.astype(float)
        self.h = data.hits.astype(float)
        self.n_minus_s = self.N - self.s
        self.s_minus_h = self.s - self.h
        self.ls = self.slices["log_sigma"].start
        self.tc = self.slices["t"]
        self.tr = self.slices["t_r"]
        self.mp = self.slices["mu_phi"].start
        self.md = self.slices["mu_delta"].start
        self.raw = np.ones(pos, dtype=bool)  # coordinates with a standard-normal prior
        self.raw[self.ls] = False
        self.raw[self.tc] = False

    def _model_coordinates(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Replace the sampled eta_H by mu_phi; also d mu_phi / d mu_delta and / d t_r[0].

        The first coordinate is sampled as eta_H = logit of the hit rate of the reference cell
        configuration (first group, first area at its group threshold):
        mu_phi = eta_H - log Q(t0 - delta0) + log Q(t0), Q = 1 - Phi. This shear has Jacobian
        1 and turns the ridge along which the data cannot tell phi from delta (they fix the hit
        rate, not its two ingredients) into a nearly straight one, which the sampler follows.
        """
        t0 = theta[:, self.tr.start]
        delta0 = np.exp(np.clip(theta[:, self.md], -30, 5))
        u = t0 - delta0
        mills_u = np.exp(_logpdf(u) - log_ndtr(-u))
        mills_t = np.exp(_logpdf(t0) - log_ndtr(-t0))
        out = theta.copy()
        out[:, self.mp] = theta[:, self.mp] - log_ndtr(-u) + log_ndtr(-t0)
        return out, -mills_u * delta0, mills_u - mills_t

    def unpack(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Cell-level quantities for a batch of parameter vectors (draws x dim)."""
        return self._unpack_model(self._model_coordinates(theta)[0])

    def _unpack_model(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        sigma = np.exp(np.clip(theta[:, self.ls : self.ls + 1], -30, 30))
        return {
            "eta_phi": theta @ self.a_phi,
            "eta_delta": theta @ self.a_delta,
            "t": theta[:, self.tc],
            "t_mean": theta @ self.a_t,
            "sigma": sigma,
        }

    def logp_grad(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Far from the posterior (early warm-up, rejected proposals) exp() may overflow; such
        # states get log density -inf below and are rejected, so the warnings carry no news.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._logp_grad(theta)

    def _logp_grad(self, sampled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        theta, d_delta, d_t0 = self._model_coordinates(sampled)
        lp, grad = self._logp_grad_model(theta)
        g_mu = grad[:, self.mp]
        grad[:, self.md] += g_mu * d_delta
        grad[:, self.tr.start] += g_mu * d_t0
        return lp, grad

    def _logp_grad_model(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q = self._unpack_model(theta)
        eta_phi, t, sigma = q["eta_phi"], q["t"], q["sigma"]
        eta_delta = np.clip(q["eta_delta"], -30, 5)
        log_phi = -np.logaddexp(0, -eta_phi)
        log_1mphi = -np.logaddexp(0, eta_phi)
        phi = np.exp(log_phi)
        delta = np.exp(eta_delta)
        u = t - delta
        nms, h, smh = self.n_minus_s, self.h, self.s_minus_h
        lnd_u, lnd_mu = log_ndtr(u), log_ndtr(-u)
        lnd_t, lnd_mt = log_ndtr(t), log_ndtr(-t)
        pdf_u, pdf_t = _logpdf(u), _logpdf(t)
        log_c = np.logaddexp(log_phi + lnd_u, log_1mphi + lnd_t)
        ll = (nms * log_c + h * (log_phi + lnd_mu) + smh * (log_1mphi + lnd_mt)).sum(axis=1)
        a1 = np.exp(log_phi + pdf_u - log_c)
        a2 = np.exp(log_1mphi + pdf_t - log_c)
        c_diff = np.exp(lnd_u - log_c) - np.exp(lnd_t - log_c)
        m_u = np.exp(pdf_u - lnd_mu)  # Mills ratio phi(u) / (1 - Phi(u))
        m_t = np.exp(pdf_t - lnd_mt)
        g_t = nms * (a1 + a2) - h * m_u - smh * m_t
        g_ephi = (nms * c_diff) * phi * (1 - phi) + h * (1 - phi) - smh * phi
        g_edelta = (h * m_u - nms * a1) * delta
        grad = g_ephi @ self.a_phi.T + g_edelta @ self.a_delta.T
        grad[:, self.tc] += g_t
        # Priors: standard normal on the raw coordinates; t_i ~ N(t_r, sigma^2) (centred: the
        # data pin each cell's threshold, so the non-centred form would make a funnel);
        # sigma ~ N+(0, 1) sampled as log sigma with its Jacobian.
        raw = theta[:, self.raw]
        dev = (t - q["t_mean"]) / sigma
        ls = theta[:, self.ls]
        n = t.shape[1]
        prior = (
            -0.5 * (raw**2).sum(axis=1)
            - 0.5 * (dev**2).sum(axis=1)
            - n * ls
            - 0.5 * sigma[:, 0] ** 2
            + ls
        )
        grad[:, self.raw] -= raw
        grad[:, self.tc] -= dev / sigma
        grad[:, self.tr] += (dev / sigma) @ self.a_t[self.tr].T
        grad[:, self.ls] += (dev**2).sum(axis=1) - n - sigma[:, 0] ** 2 + 1
        lp = ll + prior
        bad = ~np.isfinite(lp) | ~np.isfinite(grad).all(axis=1)
        if bad.any():
            lp = np.where(bad, -np.inf, lp)
            grad[bad] = 0.0
        return lp, grad

    def to_centred(self, x: np.ndarray) -> np.ndarray:
        """Map non-centred draws (cell thresholds as z, t = t_r + sigma z) to centred ones."""
        theta = x.copy()
        sigma = np.exp(np.clip(x[:, self.ls : self.ls + 1], -30, 30))
        theta[:, self.tc] = x @ self.a_t + sigma * x[:, self.tc]
        return theta

    def logp_grad_noncentred(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log density and gradient in the non-centred coordinates, where a mode exists (the
        centred density is unbounded as sigma -> 0 with all thresholds equal)."""
        theta = self.to_centred(x)
        lp, g = self.logp_grad(theta)
        sigma = np.exp(np.clip(x[:, self.ls], -30, 30))
        g_t = g[:, self.tc]
        out = g.copy()
        out[:, self.tc] = sigma[:, None] * g_t
        out[:, self.tr] += g_t @ self.a_t[self.tr].T
        out[:, self.ls] += (g_t * x[:, self.tc]).sum(axis=1) * sigma + self.n
        return lp + self.n * x[:, self.ls], out

    def probability_threshold(self, theta: np.ndarray) -> np.ndarray:
        q = self.unpack(theta)
        delta = np.exp(q["eta_delta"])
        return expit(q["eta_phi"] + q["t"] * delta - 0.5 * delta**2)

    def predicted_rates(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q = self.unpack(theta)
        phi = expit(q["eta_phi"])
        delta = np.exp(q["eta_delta"])
        a = phi * np.exp(log_ndtr(delta - q["t"]))
        b = (1 - phi) * np.exp(log_ndtr(-q["t"]))
        return a + b, a / (a + b)


@dataclass(frozen=True)
class ThresholdFit:
    """Posterior draws (draws x cells) of the probability-scale thresholds and fitted rates."""

    thresholds: np.ndarray
    search_rate: np.ndarray
    hit_rate: np.ndarray
    rhat_max: float
    acceptance: float
    divergences: int
    step_size: float
    chains: int
    parameterisation: str


def split_rhat(x: np.ndarray) -> np.ndarray:
    """Split R-hat (Gelman et al. 2013, *BDA3* §11.4) for draws shaped (chains, draws, k)."""
    half = x.shape[1] // 2
    parts = np.concatenate([x[:, :half], x[:, half : 2 * half]], axis=0)
    means = parts.mean(axis=1)
    within = parts.var(axis=1, ddof=1).mean(axis=0)
    between = half * means.var(axis=0, ddof=1)
    var = (half - 1) / half * within + between / half
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sqrt(var / within)
    return np.where(np.isfinite(r), r, 1.0)


def fit_threshold(
    data: ThresholdData,
    *,
    chains: int = 4,
    warmup: int = 250,
    draws: int = 250,
    seed: int = 0,
) -> ThresholdFit:
    """Sample the posterior of the fast threshold test (see the module docstring)."""
    if len(data.stops) < 2 or data.n_groups < 2:
        raise InputError("the threshold test needs at least two groups")
    if np.any(data.searches > data.stops) or np.any(data.hits > data.searches):
        raise InputError("searches must not exceed stops, nor hits searches")
    if np.any(data.stops <= 0):
        raise InputError("every cell of the threshold test needs at least one stop")
    model = _Model(data)
    rng = np.random.default_rng(seed)
    # Strong data pin every cell's threshold: then the centred form mixes well and the
    # non-centred one has a funnel between sigma and the z's; weak data the other way round
    # (Betancourt & Girolami 2015).
    centred = float(np.median(data.searches)) >= CENTRED_MIN_SEARCHES
    with threadpool_limits(limits=1, user_api="blas"):
        mode = _find_mode(model, np.zeros(model.dim))
        if centred:
            mode = model.to_centred(mode[None, :])[0]
            target = model.logp_grad
        else:
            target = model.logp_grad_noncentred
        chol = np.linalg.cholesky(_inverse_neg_hessian(target, mode))
        start = mode + 0.2 * rng.normal(size=(chains, model.dim)) @ chol.T
        kept, stats = _hmc(target, start, chol, warmup, draws, rng)
    flat = kept.reshape(-1, model.dim)
    if not centred:
        flat = model.to_centred(flat)
    thr = model.probability_threshold(flat)
    sr, hr = model.predicted_rates(flat)
    return ThresholdFit(
        thresholds=thr,
        search_rate=sr,
        hit_rate=hr,
        rhat_max=float(split_rhat(thr.reshape(chains, draws, -1)).max()),
        acceptance=stats["acceptance"],
        divergences=stats["divergences"],
        step_size=stats["step_size"],
        chains=chains,
        parameterisation="centred" if centred else "non-centred",
    )


def _hmc(
    logp_grad,
    start: np.ndarray,
    chol: np.ndarray,
    warmup: int,
    draws: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, dict]:
    """Batched HMC over chains in whitened non-centred coordinates."""
    centre = start.mean(axis=0)

    def logp_grad_y(y, chol_, centre_):
        lp, g = logp_grad(centre_ + y @ chol_.T)
        return lp, g @ chol_

    with np.errstate(over="ignore", invalid="ignore"):
        return _hmc_loop(start, chol, warmup, draws, rng, logp_grad_y, centre)


def _hmc_loop(start, chol, warmup, draws, rng, logp_grad_y, centre):
    chains, dim = start.shape
    y = np.linalg.solve(chol, (start - centre).T).T
    lp, grad = logp_grad_y(y, chol, centre)
    # Dual averaging per chain (Hoffman & Gelman 2014, §3.2), so one chain in a difficult
    # region does not shrink the step of the others.
    eps = np.full(chains, 0.2)
    gamma, t0, kappa, target = 0.05, 10.0, 0.75, 0.8
    mu = np.log(10 * eps)
    h_bar = np.zeros(chains)
    log_eps_bar = np.zeros(chains)
    kept = np.empty((chains, draws, dim))
    accept_sum, divergences, adapt_step = 0.0, 0, 0
    trajectory = 1.5
    phase_end = warmup // 2
    warm_store = []
    for it in range(warmup + draws):
        n_steps = int(
            np.clip(round(trajectory / np.median(eps) * rng.uniform(0.5, 1.5)), 1, MAX_LEAPFROG)
        )
        e = eps[:, None]
        p0 = rng.normal(size=(chains, dim))
        y_new, p, g_new = y.copy(), p0.copy(), grad.copy()
        p += 0.5 * e * g_new
        for step in range(n_steps):
            y_new += e * p
            lp_new, g_new = logp_grad_y(y_new, chol, centre)
            if step < n_steps - 1:
                p += e * g_new
        p += 0.5 * e * g_new
        h0 = -lp + 0.5 * (p0**2).sum(axis=1)
        h1 = -lp_new + 0.5 * (p**2).sum(axis=1)
        log_ratio = np.nan_to_num(np.where(np.isfinite(h1), h0 - h1, -np.inf), nan=-np.inf)
        accept_p = np.exp(np.minimum(0.0, log_ratio))
        accept = rng.random(chains) < accept_p
        y[accept], lp[accept], grad[accept] = y_new[accept], lp_new[accept], g_new[accept]
        if it < warmup:
            adapt_step += 1
            h_bar = (1 - 1 / (adapt_step + t0)) * h_bar + (target - accept_p) / (adapt_step + t0)
            log_eps = mu - math.sqrt(adapt_step) / gamma * h_bar
            w = adapt_step ** (-kappa)
            log_eps_bar = w * log_eps + (1 - w) * log_eps_bar
            eps = np.exp(np.clip(log_eps, -12, 1))
            if it >= phase_end // 2:
                warm_store.append(centre + y @ chol.T)
            if it == phase_end and len(warm_store) > 20:
                # Re-estimate the metric from the first half of warm-up (regularised as Stan).
                theta_now = centre + y @ chol.T
                sample = np.concatenate(warm_store, axis=0)
                n = len(sample)
                cov = np.cov(sample, rowvar=False)
                cov = (n / (n + 5)) * cov + 1e-3 * (5 / (n + 5)) * np.eye(dim)
                chol = np.linalg.cholesky(cov)
                centre = sample.mean(axis=0)
                y = np.linalg.solve(chol, (theta_now - centre).T).T
                lp, grad = logp_grad_y(y, chol, centre)
                mu = np.log(10 * eps)
                h_bar[:] = 0.0
                log_eps_bar[:] = 0.0
                adapt_step = 0
            if it == warmup - 1:
                eps = np.exp(np.clip(log_eps_bar, -12, 1))
        else:
            kept[:, it - warmup] = centre + y @ chol.T
            accept_sum += accept_p.mean()
            divergences += int((log_ratio < -1000).sum())
    return kept, {
        "acceptance": accept_sum / max(draws, 1),
        "divergences": divergences,
        "step_size": float(np.median(eps)),
    }


def _optimise(model: _Model, x0: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Mode of the non-centred log density over the coordinates ``free`` (others fixed).

    L-BFGS first, then a trust-region Newton refinement with the numerical Hessian: with
    tens of thousands of stops the problem is badly conditioned and L-BFGS alone stalls.
    """
    base = x0.copy()

    def full(x):
        theta = base.copy()
        theta[free] = x
        return theta

    def f(x):
        lp, g = model.logp_grad_noncentred(full(x)[None, :])
        if not np.isfinite(lp[0]):
            return 1e300, np.zeros_like(x)
        return -lp[0], -g[0, free]

    def hess(x):
        return -_hessian(model.logp_grad_noncentred, full(x))[np.ix_(free, free)]

    res = optimize.minimize(
        f, base[free], jac=True, method="L-BFGS-B", options={"maxiter": 3000, "gtol": 1e-6}
    )
    res = optimize.minimize(
        f, res.x, jac=True, hess=hess, method="trust-exact", options={"maxiter": 200, "gtol": 1e-5}
    )
    return full(res.x)


def _find_mode(model: _Model, x0: np.ndarray) -> np.ndarray:
    return _optimise(model, x0, np.arange(model.dim))


def _hessian(logp_grad, theta: np.ndarray) -> np.ndarray:
    dim = len(theta)
    eps = 1e-5
    pts = np.vstack([theta + eps * np.eye(dim), theta - eps * np.eye(dim)])
    _, g = logp_grad(pts)
    hess = (g[:dim] - g[dim:]) / (2 * eps)
    return 0.5 * (hess + hess.T)


def _inverse_neg_hessian(logp_grad, mode: np.ndarray) -> np.ndarray:
    """Laplace covariance at ``mode`` (eigenvalues floored, so it is always usable)."""
    vals, vecs = np.linalg.eigh(-_hessian(logp_grad, mode))
    vals = np.clip(vals, 1e-3, None)
    return (vecs / vals) @ vecs.T
