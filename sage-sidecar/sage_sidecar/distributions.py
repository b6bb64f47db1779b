"""Hints for RealDistribution given a name it does not know: another name of one it has, as
'normal' for its 'gaussian', or a discrete distribution, which it has none of.

`RealDistribution('normal', 1)` and `RealDistribution('binomial', [10, 0.5])` fail with "Not a
supported probability distribution", which names neither the distributions it has nor where
the discrete ones are. Counterpart: `hints`, which puts the hint under the error.
"""

from __future__ import annotations

import re

REFUSED = "Not a supported probability distribution"
_NAMED = re.compile(r"RealDistribution\(\s*(['\"])(.{1,40}?)\1")
_NAMES = (
    "uniform", "gaussian", "exponential", "gamma", "beta", "t", "F", "chisquared", "lognormal",
    "pareto", "rayleigh", "weibull", "exppow",
)  # fmt: skip
_KNOWN = f"RealDistribution has these continuous distributions, by name: {', '.join(_NAMES)}."
# Other names of those it has, as SciPy, R and textbooks write them.
_ALIASES = {
    "normal": "gaussian",
    "norm": "gaussian",
    "gauss": "gaussian",
    "expon": "exponential",
    "exp": "exponential",
    "chi2": "chisquared",
    "chisquare": "chisquared",
    "chi-squared": "chisquared",
    "chi_squared": "chisquared",
    "student": "t",
    "student_t": "t",
    "studentt": "t",
    "lognorm": "lognormal",
    # Its own names are written as they are: 'Gaussian' is refused.
    **{name.lower(): name for name in _NAMES},
}
_ALIAS = "RealDistribution calls it '{known}': RealDistribution('{known}', ...)."
_GAUSSIAN = (
    "It takes the standard deviation only, for a mean of 0: RealDistribution('gaussian', 1)."
)
# The discrete distributions, SciPy's, with how their probabilities are asked.
_DISCRETE = {
    "binomial": "stats.binom.pmf(k, n, p)",
    "binom": "stats.binom.pmf(k, n, p)",
    "poisson": "stats.poisson.pmf(k, mu)",
    "geometric": "stats.geom.pmf(k, p)",
    "geom": "stats.geom.pmf(k, p)",
    "bernoulli": "stats.bernoulli.pmf(k, p)",
    "hypergeometric": "stats.hypergeom.pmf(k, M, n, N)",
    "hypergeom": "stats.hypergeom.pmf(k, M, n, N)",
    "negative_binomial": "stats.nbinom.pmf(k, n, p)",
    "nbinom": "stats.nbinom.pmf(k, n, p)",
}
_DISCRETE_HINT = (
    "RealDistribution has continuous distributions only; the {name} distribution is SciPy's: "
    "`from scipy import stats`, then {call}, its cdf and rvs likewise."
)


def hint(line: str) -> str:
    """For RealDistribution refusing the name the cell's failing `line` gives it."""
    named = _NAMED.search(line)
    name = named[2] if named else ""
    lowered = name.lower()
    if known := _ALIASES.get(lowered):
        alias = _ALIAS.format(known=known)
        return f"{alias} {_GAUSSIAN}" if known == "gaussian" else alias
    if call := _DISCRETE.get(lowered):
        return _DISCRETE_HINT.format(name=name, call=call)
    return _KNOWN
