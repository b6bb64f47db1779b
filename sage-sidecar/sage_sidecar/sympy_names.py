"""What code written for SymPy (or NumPy, NetworkX) calls what Sage calls otherwise, and Sage's way.

Models learnt their mathematics in Python from SymPy more than from Sage: they write
`isprime(7)`, `symbols('a b')`, `sqrt(2).evalf()` or `sum(f, (k, 1, oo))`, which are a
NameError, an AttributeError or a TypeError in Sage, and the error alone does not say what to
write instead; or SymPy's forms, `integrate(f, x, y)` for a double integral,
`f.series(x, 0, 5)`, `diff(f, 'x')`, which fail in words about endpoints, algorithms and
coercion. `hints` puts the entry here under such an error. Each way is Sage code in backticks
that a test runs, so that no hint is advice that fails.
"""

from __future__ import annotations

import re

# Functions Sage does not define, and `S`: Sage's way. A hint gives these only for a name
# that is called or has an attribute taken: `roots` alone may be a variable of the cell's.
FUNCTIONS: dict[str, str] = {
    "symbols": "`var('a b c')` declares symbolic variables",
    "Symbol": "`var('a')` declares a symbolic variable",
    "S": "numbers are exact already: `1/3` is a rational, and `SR(1)` the symbolic 1",
    "sympify": "`SR('x^2 + 1')`",
    "Eq": "an equation is `x^2 == 4`",
    "Ne": "an inequation is `x != 2`",
    "Lt": "an inequality is `x < 2`",
    "Le": "an inequality is `x <= 2`",
    "Gt": "an inequality is `x > 2`",
    "Ge": "an inequality is `x >= 2`",
    "solveset": "`solve(x^2 == 4, x)`",
    "linsolve": "`y = var('y'); solve([x + y == 3, x - y == 1], [x, y])`",
    "nonlinsolve": "`y = var('y'); solve([x*y == 2, x + y == 3], [x, y])`",
    "nsolve": "`find_root(cos(x) == x, 0, 1)` finds a root in an interval",
    "dsolve": "`u = function('u')(x); desolve(diff(u, x) == u, u)`",
    "rsolve": (
        "none of its own for recurrences; SymPy's, imported: `from sympy import Function, "
        "rsolve, symbols; n = symbols('n'); a = Function('a'); "
        "rsolve(a(n) - a(n - 1) - a(n - 2), a(n))`"
    ),
    "series": "`sin(x).series(x == 0, 6)`, or `taylor(sin(x), x, 0, 5)`",
    "summation": "`k = var('k'); sum(1/k^2, k, 1, oo)`",
    "Sum": "`k = var('k'); sum(1/k^2, k, 1, oo)`",
    "Product": "`k = var('k'); product(k, k, 1, 5)`",
    "Integral": "`integral(x^2, x, hold=True)` stays unevaluated",
    "Derivative": "`diff(x^2, x)`",
    "Limit": "`limit(sin(x)/x, x=0)`",
    "Function": "`function('f')` makes a symbolic function",
    "Piecewise": "`piecewise([((0, 1), x), ((1, 2), 1 - x)])`",
    "lambdify": "`(x^2).function(x)`, or `fast_callable(x^2, vars=[x])` for fast numerics",
    "Abs": "`abs(-2)`",
    "ceiling": "`ceil(5/2)`",
    # Mathematica's, which Sage has in lower case for something else, or not at all.
    "Table": "`[i^2 for i in [1..5]]`, a list comprehension (Sage's table() draws a table)",
    "Range": "`[1..5]`, or `srange(1, 6)` (Python's range(5) starts at 0)",
    "Length": "`len([1, 2, 3])`",
    "Total": "`sum([1, 2, 3])`",
    "FactorInteger": "`factor(12)`, or `list(factor(12))` for the (prime, exponent) pairs",
    "PrimeQ": "`is_prime(7)`",
    "Prime": "`nth_prime(10)`",
    "PrimePi": "`prime_pi(100)`",
    "IntegerDigits": "`ZZ(1234).digits()`, least significant first",
    "Eigenvalues": "`matrix([[1, 2], [3, 4]]).eigenvalues()`",
    "Eigenvectors": "`matrix([[1, 2], [3, 4]]).eigenvectors_right()`",
    "Inverse": "`matrix([[1, 2], [3, 4]]).inverse()`",
    "NSolve": "`(x^5 - x - 1).roots(ring=CC)`, or `find_root(x^5 - x - 1, 0, 2)` for one",
    "FindRoot": "`find_root(cos(x) - x, 0, 1)`",
    "NIntegrate": "`numerical_integral(exp(-x^2), 0, 1)`, which gives (value, error)",
    "isprime": "`is_prime(7)`",
    "nextprime": "`next_prime(10)`",
    "prevprime": "`previous_prime(10)`",
    "primerange": "`prime_range(1, 20)`",
    "primepi": "`prime_pi(100)`",
    "prime": "`nth_prime(5)`",
    "factorint": "`factor(12)`",
    "totient": "`euler_phi(10)`",
    "n_order": "`Mod(3, 7).multiplicative_order()`",
    "KroneckerDelta": "`kronecker_delta(1, 1)`",
    "limit_seq": "`n = var('n'); limit((1 + 1/n)^n, n=oo)`",
    "divisor_sigma": "`sigma(12, 1)`, the sum of the divisors (of their k-th powers: k for 1)",
    "mod_inverse": "`inverse_mod(3, 7)`",
    "mobius": "`moebius(6)`",
    "igcd": "`gcd(4, 6)`",
    "ilcm": "`lcm(4, 6)`",
    "harmonic": "`harmonic_number(5)`",
    "eye": "`identity_matrix(3)`",
    # NumPy's np.linalg.inv and MATLAB's inv, called unimported.
    "inv": "`~matrix(QQ, [[1, 2], [3, 4]])`, or `matrix(QQ, [[1, 2], [3, 4]]).inverse()`",
    "zeros": "`zero_matrix(2, 3)`",
    "ones": "`ones_matrix(2, 3)`",
    "diag": "`diagonal_matrix([1, 2, 3])`",
    "root": "`8^(1/3)`, or `real_nth_root(-8, 3)` for the real root",
    "cbrt": "`8^(1/3)`, or `real_nth_root(-8, 3)` for the real root",
    "Float": "`RR(1/3)`, or `RealField(100)(1/3)` for 100 bits",
    "log10": "`log(100, 10)`",
    "re": "`real_part(1 + 2*I)`",
    "im": "`imag_part(1 + 2*I)`",
    "trigsimp": "`(sin(x)^2 + cos(x)^2).simplify_trig()`",
    "expand_trig": "`sin(2*x).expand_trig()`",
    "apart": "`(1/(x^2 - 1)).partial_fraction(x)`",
    "degree": "`(x^3 + x).degree(x)`",
    "LC": "`(3*x^2 + 1).leading_coefficient(x)`",
    "div": "`(x^3 - 1).polynomial(QQ).quo_rem((x - 1).polynomial(QQ))`, the quotient and remainder",
    "rem": "`(x^3 - 1).polynomial(QQ) % (x - 2).polynomial(QQ)`",
    "Max": "`max_symbolic(x, 2)`",
    "Min": "`min_symbolic(x, 2)`",
    "powsimp": "`(2^x*2^(x + 1)).simplify_full()`",
    "ratsimp": "`((x^2 - 1)/(x - 1)).simplify_rational()`",
    "factor_list": "`list(factor(12))`, the (prime, exponent) pairs",
    "laplace_transform": "`laplace(sin(x), x, var('s'))`",
    "inverse_laplace_transform": "`inverse_laplace(1/(var('s')^2 + 1), var('s'), x)`",
    "Heaviside": "`heaviside(x)`",
    "DiracDelta": "`dirac_delta(x)`",
    "besselj": "`bessel_J(0, x)`",
    "legendre": "`legendre_P(2, x)`",
    "chebyshevt": "`chebyshev_T(3, x)`",
    "primefactors": "`prime_divisors(12)`",
    "real_root": "`real_nth_root(-8, 3)`",
    "multiplicity": "`valuation(12, 2)`, the exponent of 2 in 12",
    "solve_poly_system": "`var('y'); solve([x^2 + y^2 == 1, x == y], x, y)`",
    "GramSchmidt": "`matrix(QQ, [[1, 2], [3, 4]]).gram_schmidt()`, on the rows",
    "FiniteSet": "`Set([1, 2, 3])`",
    "Interval": "`RealSet.closed(0, 1)`, or `RealSet.open(0, 1)`",
    "divisor_count": "`number_of_divisors(12)`",
    "gcdex": "`xgcd(3, 5)`, which gives (g, s, t) with g == s*3 + t*5",
    "integer_nthroot": "`ZZ(27).nth_root(3, truncate_mode=True)`, which gives (root, exact)",
    "perfect_power": "`ZZ(27).perfect_power()`, which gives (base, exponent)",
    "sqrt_mod": "`Mod(2, 7).sqrt()`, or `Mod(2, 7).sqrt(all=True)` for every root",
    "expand_complex": "`exp(I*x).rectform()`",
    "nsimplify": (
        "`QQ(0.25)` is the simplest rational a float stands for, "
        "`RR(0.333).nearby_rational(max_error=0.001)` the simplest within an error"
    ),
    "cancel": "`((x^2 - 1)/(x - 1)).simplify_rational()`",
    "together": "`(1/x + 1/(x + 1)).simplify_rational()`",
    "expand_log": "`log(2*x).expand_log()`",
    "logcombine": "`(log(2) + log(x)).simplify_log()`",
    "collect": "`y = var('y'); (x*y + x).collect(x)`",
    "roots": "`(x^2 - 1).roots(x)`",
    "real_roots": "`(x^2 - 2).roots(x, ring=RR)`",
    "nroots": "`(x^2 + 1).roots(x, ring=CC)`",
    "groebner": "`R.<a, b> = QQ[]; ideal([a^2 - b, b^2 - a]).groebner_basis()`",
    "interpolate": "`QQ['x'].lagrange_polynomial([(0, 1), (1, 3)])`",
    "Poly": "`R.<t> = QQ[]; t^2 + 1` is a polynomial; so is `(x^2 + 1).polynomial(QQ)`",
    "residue": "`(1/(x^2 + 1)).residue(x == I)`, the residue at I",
    "hessian": "`y = var('y'); (x^2*y).hessian()`, in the expression's variables",
    "divergence": "`y, z = var('y z'); vector([x*y, y*z, z*x]).div([x, y, z])`",
    "curl": "`y, z = var('y z'); vector([x*y, y*z, z*x]).curl([x, y, z])`",
    "laplacian": "`y = var('y'); f = x^2*y^3; diff(f, x, 2) + diff(f, y, 2)`",
    "maximum": (
        "`find_local_maximum(sin(x), 0, 5)`, which gives (value, point) numerically, in an interval"
    ),
    "minimum": (
        "`find_local_minimum(cos(x), 0, 5)`, which gives (value, point) numerically, in an interval"
    ),
    "fourier_series": (
        "`piecewise([((-pi, pi), x)]).fourier_series_partial_sum(3, pi)`, the terms up to 3 "
        "for the period 2*pi"
    ),
    "sqf_list": "`(x^3 - x^2).polynomial(QQ).squarefree_decomposition()`",
    # Special functions and numbers, by SymPy's names.
    "LambertW": "`lambert_w(1)`, or `lambert_w(-1, x)` for the branch -1",
    "digamma": "`psi(x)`",
    "polygamma": "`psi(1, x)`",
    "loggamma": "`log_gamma(x)`",
    "uppergamma": "`gamma_inc(2, x)`",
    "lowergamma": "`gamma_inc_lower(2, x)`",
    "expint": "`exp_integral_e(1, x)`",
    "elliptic_k": "`elliptic_kc(1/2)`",
    "airyai": "`airy_ai(x)`",
    "airybi": "`airy_bi(x)`",
    "fresnels": "`fresnel_sin(x)`",
    "fresnelc": "`fresnel_cos(x)`",
    "hyper": "`hypergeometric([1, 1], [2], x)`",
    "chebyshevu": "`chebyshev_U(3, x)`",
    "assoc_legendre": "`gen_legendre_P(2, 1, x)`",
    "assoc_laguerre": "`gen_laguerre(2, 1, x)`",
    "rf": "`rising_factorial(x, 3)`",
    "ff": "`falling_factorial(x, 3)`",
    "factorial2": "`ZZ(7).multifactorial(2)`, 7*5*3*1",
    "bell": "`bell_number(5)`",
    "stirling": (
        "`stirling_number2(5, 2)`, of the second kind as SymPy's is by default; "
        "`stirling_number1(5, 2)` of the first"
    ),
    "lucas": "`lucas_number2(5, 1, -1)`, the Lucas number L(5)",
    "euler": "`euler_number(4)`; Euler's constant is `euler_gamma`",
    "npartitions": "`number_of_partitions(10)`",
    "primenu": "`len(prime_divisors(12))`",
    "primeomega": "`sum(e for p, e in factor(12))`",
    "primorial": "`prod(prime_range(8))`, the product of the primes below 8",
    "reduced_totient": "`carmichael_lambda(12)`",
    "is_perfect_square": "`is_square(16)`",
    # Calculators' and Python's math module's, called unimported.
    "nCr": "`binomial(5, 2)`",
    "nPr": "`falling_factorial(5, 2)`, the 2-permutations of 5",
    "comb": "`binomial(5, 2)`",
    "perm": "`falling_factorial(5, 2)`, the 2-permutations of 5",
    "choose": "`binomial(5, 2)`",
    # SciPy's, called as if imported.
    "fsolve": (
        "`find_root(x^2 - 2, 0, 2)`, a root in an interval; SciPy's, imported: "
        "`from scipy.optimize import fsolve; fsolve(lambda t: t^2 - 2, 1)`"
    ),
    "brentq": "`find_root(x^2 - 2, 0, 2)`, a root where the function changes sign",
    "quad": (
        "`numerical_integral(x^2, 0, 1)`, which gives (value, error); SciPy's, imported: "
        "`from scipy.integrate import quad; quad(lambda t: t^2, 0, 1)`"
    ),
    "odeint": "`y = var('y'); desolve_odeint(-y, [1], srange(0, 1, 0.5), y)`",
    "solve_ivp": "`y = var('y'); desolve_odeint(-y, [1], srange(0, 1, 0.5), y)`",
    # NumPy's, as if imported with *.
    "linspace": (
        "`srange(0, 1, 1/4, include_endpoint=True)`; NumPy's is "
        "`import numpy as np; np.linspace(0, 1, 5)`"
    ),
    "arange": "`srange(0, 1, 1/4)`; NumPy's is `import numpy as np; np.arange(0, 1, 0.25)`",
    "plot_implicit": "`y = var('y'); implicit_plot(x^2 + y^2 - 1, (x, -1, 1), (y, -1, 1))`",
    "pprint": "`pretty_print(x^2)`, or `show(x^2)`",
    "init_printing": "nothing is needed: results come back with their LaTeX",
}

# Constants Sage names otherwise: Sage's name.
CONSTANTS: dict[str, str] = {
    "GoldenRatio": "`golden_ratio`",
    "EulerGamma": "`euler_gamma`",
    "Catalan": "`catalan`",
    "zoo": "`unsigned_infinity`",
    "nan": "`NaN`",
}

# Methods Sage's objects do not have: Sage's way.
METHODS: dict[str, str] = {
    "evalf": "`sqrt(2).n()`, or `sqrt(2).n(digits=30)`",
    "free_symbols": "`(x + 1).variables()`",
    "as_numer_denom": "`(x/(x + 1)).numerator_denominator()`",
    "coeff": "`(x^3 + 2*x).coefficient(x, 1)`",
    "as_poly": "`(x^2 + 1).polynomial(QQ)`",
    "trigsimp": "`(sin(x)^2 + cos(x)^2).simplify_trig()`",
    "func": "`sin(x).operator()`",
    "is_number": "`sqrt(2).is_numeric()`",
    "doit": "Sage evaluates at once; `integral(x, x, hold=True).unhold()` evaluates what "
    "`hold=True` kept",
    "rewrite": "`sin(x).exponentialize()` writes trigonometric functions with exponentials, "
    "`exp(I*x).demoivre()` exponentials with trigonometric ones",
    "atoms": "`(x^2 + 2*x + 1).variables()`, its symbols; `(x^2 + 2*x + 1).operands()`, its terms",
    "as_ordered_terms": "`(x^2 + 2*x + 1).operands()`",
    "as_coefficients_dict": "`(x^2 - 1).coefficients(x)`, the [coefficient, exponent] pairs",
    "as_real_imag": "`((3 + 4*I).real_part(), (3 + 4*I).imag_part())`",
    "equals": "`bool(sin(x)^2 + cos(x)^2 == 1)`, True where Sage proves it",
    "xreplace": "`(x^2).subs(x=2)`",
    "removeO": "`exp(x).series(x == 0, 3).truncate()`",
    "is_Add": "`import operator; (x + 1).operator() is operator.add`",
    "is_Mul": "`import operator; (2*x).operator() is operator.mul`",
    "is_Pow": "`import operator; (x^2).operator() is operator.pow`",
    "inv": "`matrix(QQ, [[1, 2], [3, 4]]).inverse()`, or `~matrix(QQ, [[1, 2], [3, 4]])`",
    "eigenvals": "`matrix([[1, 2], [3, 4]]).eigenvalues()`",
    # MATLAB's eig(A), asked as a method.
    "eig": "`matrix(RDF, [[1, 2], [3, 4]]).eigenvalues()`, and with each its eigenvectors "
    "`matrix(RDF, [[1, 2], [3, 4]]).eigenvectors_right()`",
    "eigenvects": "`matrix([[1, 2], [3, 4]]).eigenvectors_right()`",
    "QRdecomposition": "`matrix(RDF, [[1, 2], [3, 4]]).QR()`, which gives (Q, R)",
    "LUdecomposition": "`matrix(QQ, [[1, 2], [3, 4]]).LU()`, which gives (P, L, U) with P*L*U "
    "the matrix",
    "cond": "`matrix(RDF, [[1, 2], [3, 4]]).condition()`",
    # NumPy's matrix class: M.I its inverse.
    "I": "`~matrix(QQ, [[1, 2], [3, 4]])`, the inverse",
    "adjoint": "`matrix([[1, 2], [3, 4]]).conjugate_transpose()`; the classical adjoint is "
    "`matrix([[1, 2], [3, 4]]).adjugate()`",
    "diagonalize": "`D, P = matrix(QQ, [[1, 1], [0, 2]]).diagonalization()`, with P^-1*A*P == D "
    "(over QQbar when the eigenvalues are not in the ring)",
    "nullspace": "`matrix([[1, 2], [2, 4]]).right_kernel()`",
    # SciPy's function, asked as a method; kernel() is the left kernel.
    "null_space": "`matrix([[1, 2], [2, 4]]).right_kernel()`",
    "columnspace": "`matrix([[1, 2], [3, 4]]).column_space()`",
    "rowspace": "`matrix([[1, 2], [3, 4]]).row_space()`",
    "shape": "`matrix([[1, 2], [3, 4]]).dimensions()`",
    "applyfunc": "`matrix([[1, 2], [3, 4]]).apply_map(lambda t: t + 1)`",
    "magnitude": "`vector([3, 4]).norm()`",
    # A complex number's argument, a method of CC's numbers only: not of 3 + 4*I, nor of SR's.
    "arg": "`arg(3 + 4*I)`, or `CC(3 + 4*I).arg()` numerically",
    "dot": "`vector([1, 2]).dot_product(vector([3, 4]))`; * multiplies vectors (their dot "
    "product) and matrices",
    "cross": "`vector([1, 0, 0]).cross_product(vector([0, 1, 0]))`",
    # NetworkX's, on Sage's graphs.
    "nodes": "`graphs.PetersenGraph().vertices()`",
    "number_of_nodes": "`graphs.PetersenGraph().order()`",
    "number_of_edges": "`graphs.PetersenGraph().size()`",
    "has_node": "`graphs.PetersenGraph().has_vertex(0)`",
    "add_node": "`G = Graph(); G.add_vertex(1)`",
    "add_nodes_from": "`G = Graph(); G.add_vertices([1, 2])`",
    "add_edges_from": "`G = Graph(); G.add_edges([(1, 2), (2, 3)])`",
    "dijkstra": "`graphs.PetersenGraph().shortest_path_lengths(0)`",
    "remove_node": "`G = graphs.PetersenGraph(); G.delete_vertex(0)`",
    "remove_edge": "`G = graphs.PetersenGraph(); G.delete_edge(0, 1)`",
    # igraph's counts, and names models make of them; the nearest of Sage's names, by
    # spelling, would be edge_cut.
    "vcount": "`graphs.PetersenGraph().order()`",
    "ecount": "`graphs.PetersenGraph().size()`",
    "vertex_count": "`graphs.PetersenGraph().order()`",
    "node_count": "`graphs.PetersenGraph().order()`",
    "edge_count": "`graphs.PetersenGraph().size()`",
    "edges_count": "`graphs.PetersenGraph().size()`",
}

# What Sage's `sum` and `product` say to SymPy's bounds in a tuple, `sum(f, (k, 1, oo))`,
# and Sage's way.
BOUNDS_ERROR = re.compile(r"symbolic_(sum|product)\(\) missing 2 required positional arguments")
BOUNDS = {
    "sum": "`k = var('k'); sum(1/k^2, k, 1, oo)`",
    "product": "`k = var('k'); product(k, k, 1, 5)`",
}

# SymPy's keyword arguments that Sage's function of the same name calls otherwise:
# (function, keyword): Sage's way.
KEYWORDS = {
    ("solve", "dict"): "`solve(x^2 == 4, x, solution_dict=True)`",
    ("integrate", "method"): "`integrate(x^2, x, algorithm='sympy')` picks the engine, and "
    "`numerical_integral(x^2, 0, 1)` integrates numerically",
    # The ring a polynomial is factored over is its own: made so, it factors there.
    ("expand", "trig"): "`sin(2*x).expand_trig()`",
    ("expand", "log"): "`log(2*x).expand_log()`",
    ("expand", "complex"): "`exp(I*x).rectform()`",
    ("factor", "extension"): "`(x^2 - 2).polynomial(QQ[sqrt(2)]).factor()` factors over Q(sqrt(2))",
    ("factor", "gaussian"): "`(x^2 + 1).polynomial(QQ[I]).factor()` factors over Q(i)",
    ("factor", "modulus"): "`(x^2 + 1).polynomial(GF(5)).factor()` factors modulo 5",
}

# What Sage's `subs` says to SymPy's `subs(x, 2)`, and Sage's way.
SUBS_ERROR = "not able to determine a substitution from"
SUBS = "`(x^2).subs(x=2)`, or `(x^2).subs({x: 2})`"

# SymPy's integrate(f, x, y), a double integral: Sage reads y as a lower bound with no upper.
ENDPOINT_ERROR = "only one endpoint was given!"
INTEGRATE_TWICE = "`y = var('y'); integrate(integrate(x*y, x, 0, 1), y, 0, 2)`"

# SymPy's series(x, x0, n): Sage's takes the point as an equation, and reads 0, 5 as the order
# and the algorithm.
SERIES_ERROR = "invalid algorithm"
SERIES = "`exp(x).series(x == 0, 5)`"

# A variable given as its name in a string, `diff(sin(x), 'x')`, as SymPy's functions take it.
STRING_VARIABLE_ERROR = re.compile(
    r"(?:cannot coerce arguments: )?no canonical coercion from <class 'str'> to Symbolic Ring"
)
