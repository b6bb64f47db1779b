"""RealDistribution given a name it does not know gets a hint: its own name for the
distribution, SciPy's for a discrete one, or the names it has."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, last_line_of_error, value


@pytest.mark.parametrize(
    ("cell", "hint", "instead", "shown"),
    [
        (
            "RealDistribution('normal', 1).cum_distribution_function(1.96)",
            "RealDistribution calls it 'gaussian': RealDistribution('gaussian', ...). It takes "
            "the standard deviation only, for a mean of 0: RealDistribution('gaussian', 1).",
            "RealDistribution('gaussian', 1).cum_distribution_function(1.96)",
            "0.9750021048517796",
        ),
        (
            'T = RealDistribution("chi2", 2)',
            "RealDistribution calls it 'chisquared': RealDistribution('chisquared', ...).",
            "RealDistribution('chisquared', 2).cum_distribution_function(2)",
            "0.6321205588285578",
        ),
        (
            "RealDistribution('binomial', [10, 0.5])",
            "RealDistribution has continuous distributions only; the binomial distribution is "
            "SciPy's: `from scipy import stats`, then stats.binom.pmf(k, n, p), its cdf and rvs "
            "likewise.",
            "from scipy import stats; float(stats.binom.pmf(3, 10, 0.5))",
            "0.1171875",
        ),
    ],
)
def test_a_distribution_realdistribution_names_otherwise_gets_a_hint_that_works(
    stub: sage_pb2_grpc.SageServiceStub, cell: str, hint: str, instead: str, shown: str
) -> None:
    session = create_session(stub)
    assert last_line_of_error(stub, session, cell, "TypeError") == hint
    assert value(stub, session, instead) == shown


def test_a_name_realdistribution_has_nothing_like_gets_the_names_it_has(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    hint = last_line_of_error(stub, session, "RealDistribution('cauchy', 1)", "TypeError")
    assert hint == (
        "RealDistribution has these continuous distributions, by name: uniform, gaussian, "
        "exponential, gamma, beta, t, F, chisquared, lognormal, pareto, rayleigh, weibull, "
        "exppow."
    )
