"""The hints for SymPy's names give Sage code that runs, for names Sage really lacks.

Each way in `sympy_names` is run in a real worker, so that no hint is advice that fails; and
each name it answers for is checked to be one Sage does not define, so that no entry hides
behind a Sage name that works."""

from __future__ import annotations

import re

import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_sidecar import sympy_names

from tests.helpers import create_session, evaluate, finished_of, last_line_of_error, one, value

_CODE = re.compile(r"`([^`]+)`")
_WAYS = sorted(
    {
        code
        for way in (
            *sympy_names.FUNCTIONS.values(),
            *sympy_names.CONSTANTS.values(),
            *sympy_names.METHODS.values(),
            *sympy_names.BOUNDS.values(),
            *sympy_names.KEYWORDS.values(),
            sympy_names.SUBS,
            sympy_names.INTEGRATE_TWICE,
            sympy_names.SERIES,
        )
        for code in _CODE.findall(way)
    }
)


@pytest.mark.parametrize("code", _WAYS)
def test_each_way_a_hint_gives_runs_in_sage(stub: sage_pb2_grpc.SageServiceStub, code: str) -> None:
    events = evaluate(stub, code)
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK, events


def test_every_name_a_hint_answers_for_is_one_sage_lacks(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    functions = sorted({*sympy_names.FUNCTIONS, *sympy_names.CONSTANTS})
    defined = value(stub, "", f"[name for name in {functions!r} if name in globals()]")
    assert defined == "[]"
    methods = sorted(sympy_names.METHODS)
    objects = (
        "(sqrt(2), matrix(QQ, [[1, 2], [3, 4]]), QQ['t'].gen(), 3, RR(2), vector([1, 2]), "
        "graphs.PetersenGraph(), DiGraph())"
    )
    anywhere = value(
        stub, "", f"[name for name in {methods!r} if any(hasattr(o, name) for o in {objects})]"
    )
    assert anywhere == "[]"


@pytest.mark.parametrize(("method", "way"), [("edges_count", "size"), ("vcount", "order")])
def test_a_graphs_count_by_another_librarys_name_gets_sages(
    stub: sage_pb2_grpc.SageServiceStub, method: str, way: str
) -> None:
    """The nearest of Sage's names to edges_count, by spelling, is edge_cut: no count."""
    session = create_session(stub)
    code = f"G = graphs.PetersenGraph(); G.{method}()"
    assert last_line_of_error(stub, session, code, "AttributeError") == (
        f".{method} is SymPy's name (or another library's), not Sage's. In Sage: "
        f"`graphs.PetersenGraph().{way}()`."
    )


def test_subs_in_sympys_form_gets_sages(stub: sage_pb2_grpc.SageServiceStub) -> None:
    error = one(evaluate(stub, "(x^2).subs(x, 2)"), "error").error
    assert sympy_names.SUBS_ERROR in error.evalue
    assert "Sage's subs takes keywords or a dictionary: `(x^2).subs(x=2)`" in error.traceback


@pytest.mark.parametrize(
    ("code", "way"),
    [
        ("sum(1/k^2, (k, 1, oo))", "sum(1/k^2, k, 1, oo)"),
        ("product(k, (k, 1, 5))", "product(k, k, 1, 5)"),
    ],
)
def test_bounds_in_sympys_tuple_get_sages_arguments(
    stub: sage_pb2_grpc.SageServiceStub, code: str, way: str
) -> None:
    error = one(evaluate(stub, f"k = var('k')\n{code}"), "error").error
    assert "its bounds as arguments of their own, not a tuple" in error.traceback
    assert way in error.traceback


def test_sympys_keyword_for_solutions_and_for_an_integration_method_get_sages(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "solve(x^2 == 4, x, dict=True)"), "error").error
    assert "dict= is SymPy's name (or another library's), not Sage's." in error.traceback
    assert "`solve(x^2 == 4, x, solution_dict=True)`" in error.traceback
    error = one(evaluate(stub, "integrate(x^2, x, method='numeric')"), "error").error
    assert "method= is SymPy's name (or another library's), not Sage's." in error.traceback
    assert "`numerical_integral(x^2, 0, 1)` integrates numerically" in error.traceback


def test_sympys_keywords_for_the_field_to_factor_over_get_sages_rings(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage factors a polynomial over its own ring: factor() has no extension=, gaussian= or
    modulus=, and the generic hint gave Expression.factor's signature."""
    for code, way in (
        ("factor(x^2 - 2, extension=sqrt(2))",
         "`(x^2 - 2).polynomial(QQ[sqrt(2)]).factor()` factors over Q(sqrt(2))"),
        ("factor(x^2 + 1, gaussian=True)",
         "`(x^2 + 1).polynomial(QQ[I]).factor()` factors over Q(i)"),
        ("factor(x^2 + 1, modulus=5)", "`(x^2 + 1).polynomial(GF(5)).factor()` factors modulo 5"),
    ):  # fmt: skip
        error = one(evaluate(stub, code), "error").error
        keyword = code.split(", ")[1].split("=")[0]
        assert error.traceback.endswith(
            f"{keyword}= is SymPy's name (or another library's), not Sage's. In Sage: {way}.\n"
        ), code
    # As the hints say.
    code = (
        "(x^2 - 2).polynomial(QQ[sqrt(2)]).factor(), (x^2 + 1).polynomial(QQ[I]).factor(), "
        "(x^2 + 1).polynomial(GF(5)).factor()"
    )
    assert value(stub, "", code) == (
        "((x - sqrt2) * (x + sqrt2), (x - I) * (x + I), (x + 2) * (x + 3))"
    )


def test_sympys_double_integral_and_series_get_sages_forms(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """SymPy's integrate(f, x, y) integrates over both, and its series(x, x0, n) takes the
    point and the order as numbers: Sage reads y as a lower bound, and 0, 5 as the order and
    the algorithm."""
    session = create_session(stub)
    evaluate(stub, "y = var('y')", session)
    endpoints = (
        "only one endpoint was given!\nSage's integrate takes the variable and both bounds, "
        "integrate(f, x, a, b), or the variable alone: what follows the variable is read as a "
        "lower bound. SymPy's integrate(f, x, y) is a double integral; in Sage, integrate once "
        "per variable: {way}.\n"
    )
    for code, way, answer in (
        ("integrate(x*y, x, y)", "integrate(integrate(x*y, x), y)", "1/4*x^2*y^2"),
        (
            "integrate(x*y, (x, 0, 1), (y, 0, 2))",
            "integrate(integrate(x*y, x, 0, 1), y, 0, 2)",
            "1",
        ),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.traceback.endswith(endpoints.format(way=f"`{way}`")), code
        assert value(stub, session, way) == answer  # as the hint says
    # A method's call, which the hint does not write again: Sage's form, by example.
    error = one(evaluate(stub, "(x*y).integrate(x, y)", session), "error").error
    assert error.traceback.endswith(endpoints.format(way=sympy_names.INTEGRATE_TWICE))
    error = one(evaluate(stub, "exp(x).series(x, 0, 5)"), "error").error
    assert error.traceback.endswith(
        "invalid algorithm\nSage's series takes the point as an equation, then the order, "
        f"where SymPy's takes series(x, x0, n): {sympy_names.SERIES}.\n"
    )


@pytest.mark.parametrize(
    "code",
    ["diff(sin(x), 'x')", 'integrate(sin(x), "x")', "solve(x^2 == 1, 'x')", "sin(x).diff('x')"],
)
def test_a_variable_given_as_a_string_gets_the_variable(
    stub: sage_pb2_grpc.SageServiceStub, code: str
) -> None:
    error = one(evaluate(stub, f"var('t')\n{code}"), "error").error
    assert error.traceback.endswith(
        "\n'x' is a string, where Sage wants the symbolic variable itself: x, unquoted "
        "(declared first, as var('x'), if it is not yet).\n"
    )
    # As the hint says.
    assert finished_of(evaluate(stub, code.replace("'x'", "x").replace('"x"', "x"))).status == (
        pb.EVALUATION_STATUS_OK
    )


def test_a_sage_graph_given_to_networkx_gets_the_conversion(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    code = "import networkx as nx\nG = Graph([(1, 2), (2, 3)])\nnx.shortest_path(G, 1, 3)"
    error = one(evaluate(stub, code), "error").error
    assert error.traceback.endswith(
        "\nnetworkx's functions take networkx graphs, not Sage's: G.networkx_graph() converts "
        "one (and Graph(nx_graph) back). Sage's graphs have most of them as methods, as "
        "G.shortest_path(u, v).\n"
    )
    # As the hint says.
    code = "import networkx as nx\nG = Graph([(1, 2), (2, 3)])\n"
    assert value(stub, "", code + "nx.shortest_path(G.networkx_graph(), 1, 3)") == "[1, 2, 3]"
    assert value(stub, "", code + "G.shortest_path(1, 3)") == "[1, 2, 3]"


def test_mathematicas_names_called_with_brackets_get_sages(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "Table[i^2, {i, 1, 5}]"), "error").error
    assert error.traceback.endswith(
        "\nTable is SymPy's name (or another library's), not Sage's. In Sage: "
        f"{sympy_names.FUNCTIONS['Table']}.\n"
    )
    # A one-letter name indexed is a list never defined, not SymPy's S.
    error = one(evaluate(stub, "S[0]"), "error").error
    assert "SymPy" not in error.traceback


def test_sympys_range_of_names_given_to_var_gets_the_names_and_var_with_n(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """symbols('a1:4') is a1, a2, a3 in SymPy; var() refuses it as no identifier."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, "var('a1:4')", "ValueError") == (
        "a1:4 is SymPy's range of names, which var() does not read: var('a1 a2 a3') declares "
        "them, and var('a', n=3) makes a0 to a2."
    )
    assert value(stub, session, "var('a1 a2 a3'), var('a', n=3)") == (
        "((a1, a2, a3), (a0, a1, a2))"
    )


@pytest.mark.parametrize(
    ("code", "way"),
    [
        ("z = var('z'); residue(1/(z^2 + 1), z, I)", "`(1/(x^2 + 1)).residue(x == I)`"),
        ("LambertW(1).n()", "`lambert_w(1)`"),
        ("digamma(2)", "`psi(x)`"),
        ("stirling(5, 2)", "`stirling_number2(5, 2)`"),
        ("factorial2(7)", "`ZZ(7).multifactorial(2)`"),
        ("y = var('y'); hessian(x^2*y, [x, y])", "`y = var('y'); (x^2*y).hessian()`"),
        ("t = linspace(0, 1, 5)", "`srange(0, 1, 1/4, include_endpoint=True)`"),
        ("nCr(10, 3)", "`binomial(5, 2)`"),
        # Python's suggestion for it is solve, which is exact.
        ("fsolve(x^2 - 2, 1)", "`find_root(x^2 - 2, 0, 2)`, a root in an interval"),
    ],
)
def test_sympys_names_of_special_functions_counts_and_calculus_get_sages(
    stub: sage_pb2_grpc.SageServiceStub, code: str, way: str
) -> None:
    session = create_session(stub)
    name = re.findall(r"(\w+)\(", code.split("; ")[-1])[0]
    assert last_line_of_error(stub, session, code, "NameError").startswith(
        f"{name} is SymPy's name (or another library's), not Sage's. In Sage: {way}"
    )


@pytest.mark.parametrize(
    ("code", "ename", "name", "way"),
    [
        ("sin(x).rewrite(exp)", "AttributeError", ".rewrite", "`sin(x).exponentialize()`"),
        ("(x^2 + 1).atoms()", "AttributeError", ".atoms", "`(x^2 + 2*x + 1).variables()`"),
        ("f = x + 1\nif f.is_Add: print(1)", "AttributeError", ".is_Add",
         "`import operator; (x + 1).operator() is operator.add`"),
        # "Did you mean: 'decomposition'?" named another decomposition altogether.
        ("matrix(QQ, [[1, 2], [3, 4]]).LUdecomposition()", "AttributeError",
         ".LUdecomposition", "`matrix(QQ, [[1, 2], [3, 4]]).LU()`"),
        ("((x + 1)^2).expand(trig=True)", "TypeError", "trig=", "`sin(2*x).expand_trig()`"),
    ],
)  # fmt: skip
def test_sympys_methods_and_keywords_of_expressions_and_matrices_get_sages(
    stub: sage_pb2_grpc.SageServiceStub, code: str, ename: str, name: str, way: str
) -> None:
    session = create_session(stub)
    assert last_line_of_error(stub, session, code, ename).startswith(
        f"{name} is SymPy's name (or another library's), not Sage's. In Sage: {way}"
    )
