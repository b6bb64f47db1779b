"""Says so when a cell computed values on lines before its last, which nobody sees.

A cell shows the value of its last line only, as the Sage console does. A cell of
`solve(x^2 == 4, x)` then `diff(sin(x), x)` shows `cos(x)` alone: the solutions were computed
and dropped, and an agent reads the one value as the cell's answer, or asks again. Only lines
that do nothing but compute a value count: a name, arithmetic, a comparison, and calls of
Sage's functions and methods that compute (solve, factor, plot, `.det()`), not `var('y')`
or `L.append(1)`. One line on stderr says which values went unshown and how to see them.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import builtins
import re
from typing import Any

from sage_sidecar import cell_calls, shadowing
from sage_sidecar.shown import shown

# A line at the top of a cell, with more after it, that assigns nothing (no lone `=`) and
# starts no compound statement, import or print. Cheap enough to run on every cell: only a
# cell it finds is parsed.
_STATEMENTS = (
    "def|class|for|while|if|elif|else|try|except|finally|with|import|from|print|del|pass|"
    "raise|assert|return|global|nonlocal|async"
)
CANDIDATE = re.compile(
    rf"(?:\A|\n)(?![\s#@]|(?:{_STATEMENTS})\b)(?:[^=\n]|[=!<>]=)+\n(?=[\s\S]*\S)"
)
# Functions and methods that compute a value and do nothing else.
_COMPUTING = frozenset({
    "solve", "diff", "derivative", "integrate", "integral", "limit", "lim", "factor",
    "expand", "simplify", "full_simplify", "simplify_full", "N", "n", "numerical_approx",
    "sqrt", "taylor", "series", "sum", "prod", "product", "det", "determinant", "matrix",
    "vector", "gcd", "lcm", "divisors", "prime_divisors", "is_prime", "factorial",
    "binomial", "len", "abs", "max", "min", "sorted", "round", "find_root",
    "numerical_integral", "desolve", "laplace", "inverse_laplace", "euler_phi", "latex",
    "continued_fraction", "next_prime", "prime_range", "rank", "inverse", "transpose",
    "eigenvalues", "eigenvectors_right", "eigenvectors_left", "eigenmatrix_right", "roots",
    "subs", "substitute", "coefficients", "coefficient", "degree", "kernel", "right_kernel",
    "charpoly", "characteristic_polynomial", "jordan_form", "rref", "echelon_form", "norm",
    "dot_product", "cross_product", "order", "variables", "rhs", "lhs", "real", "imag",
    "nrows", "ncols", "dimensions", "minpoly", "trace",
})  # fmt: skip
# Or make a picture, which a line before the last does not show either.
_PLOTTING = re.compile(r"\w*plot(?:3d)?\Z")
_PURE = (ast.Name, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Subscript, ast.Attribute)
_MAX_SHOWN = 40
_MAX_NAMED = 3
_NOTE = (
    "Note: a cell shows the value of its last line only: {these} computed and not shown. "
    "show() or print() {each}, or end the cell with {them}{example}."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the statements before the cell's last that only computed a value."""
    expressions = [s.value for s in tree.body[:-1] if isinstance(s, ast.Expr)]
    if not expressions:
        return None
    bound = cell_calls.bound_names(tree)
    unshown = [node for node in expressions if _computes(node, bound, namespace)]
    if not unshown:
        return None
    written = [shown(cell_calls.as_written(node), _MAX_SHOWN) for node in unshown]
    named = ", ".join(written[:_MAX_NAMED]) + (", ..." if len(written) > _MAX_NAMED else "")
    if len(unshown) == 1:
        return _NOTE.format(these=f"the value of {named} was", each="it", them="it", example="")
    return _NOTE.format(
        these=f"the values of {named} were",
        each="each",
        them="them together",
        example=" (`a, b` on the last line shows both)",
    )


def _computes(node: ast.expr, bound: set[str], namespace: dict[str, Any]) -> bool:
    """Whether `node` does nothing but compute a value."""
    if isinstance(node, _PURE):
        return True
    if isinstance(node, ast.Tuple | ast.List):
        return bool(node.elts) and all(_computes(e, bound, namespace) for e in node.elts)
    if not isinstance(node, ast.Call):
        return False
    name = cell_calls.called(node)
    if not isinstance(node.func, ast.Name):
        return name in _COMPUTING  # a method: matplotlib's `plt.plot` draws, and is no value
    if not (name in _COMPUTING or _PLOTTING.match(name)) or name in bound:
        return False
    # Sage's function or Python's, not the cell's own or another library's of that name.
    function = namespace.get(name, getattr(builtins, name, None))
    return shadowing.is_sages(function) or function is getattr(builtins, name, None)
