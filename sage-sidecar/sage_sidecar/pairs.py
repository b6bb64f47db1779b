"""Pairs that Sage gives where a number is expected, and what to take from them.

`roots()` gives (root, multiplicity) pairs, `numerical_integral` (value, error estimate) and
`find_local_minimum` (value, position). Used as a number, a pair fails with a message about
tuples that names neither the pair nor where it came from: `hint` says which name holds it and
what to take. Worse, `N` of a roots() pair succeeds: Sage reads (r, m) as the complex number
`r + m*I`, so `[N(r) for r in p.roots()]` gives wrong numbers without a word: `note` says so;
and `r[0] * 2` repeats the pair: `repetition_note` says so, as `repeated_note` does where a
shown value is a pair of floats repeated (`2 * numerical_integral(f, 0, 1)`). N reads any list
or tuple of two numbers so (`N([1/3, 2/3])`), which the note tells too; of a list of another
length it fails with an unpacking error, which `N_OF_A_LIST` explains. Counterparts: `hints`,
which finds the failing line's names, and `notes`, which runs these checks after a cell.
"""

from __future__ import annotations

import ast
import numbers
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import real_value, shown

# A TypeError or AttributeError of a tuple used as a number: Python's (`not 'tuple'`, `can't
# multiply sequence`), the coercion model's (`'<class 'tuple'>'`), a conversion's (`unable to
# convert '(-sqrt(2),1)' to a real number`).
TUPLE_USED_AS_A_NUMBER = re.compile(
    r"\btuple\b|can't multiply sequence|^unable to convert '?\(.{1,200}\)'? to "
)
_ROOTS = (
    "{name} holds (root, multiplicity) pairs, as roots() gives them ({example}): a root is "
    "{name}[0][0]; roots(multiplicities=False) gives the roots alone."
)
_ROOT = (
    "{name} is the pair (root, multiplicity) {example}, as roots() gives them: its root is "
    "{name}[0]."
)
_TWO_NUMBERS = (
    "{name} is the pair {example}, not a number: numerical_integral gives (value, error "
    "estimate), find_local_minimum (value, position). Take the one meant: {name}[0] or "
    "{name}[1]."
)
# A roots() pair times an integer, which Python reads as repeating the tuple.
_REPEATED = (
    "Note: {product} repeats the tuple {pair}, a (root, multiplicity) pair as roots() gives "
    "them: its root is {root}, and {meant} is the root's multiple. roots(multiplicities=False) "
    "gives the roots alone."
)
# A tuple shown with three commas or more: it may be a pair repeated.
REPEATED_SHOWN = re.compile(r"\A\([^,]+,[^,]+,[^,]+,")
_REPEATED_FLOATS = (
    "Note: the tuple is the pair {pair} {times} times over: Python's * of a tuple by an "
    "integer repeats it, and numerical_integral gives the pair (value, error estimate), "
    "find_local_minimum (value, position). The value is the pair's first item: for "
    "r = numerical_integral(...), {times} * r[0]."
)
_N_OF_ROOT_PAIR = (
    "Note: N({argument}) read a (root, multiplicity) pair from roots() as a complex number, "
    "the root plus I times the multiplicity. The root is {argument}[0]; "
    "roots(multiplicities=False) gives the roots alone."
)
_N_OF_PAIR = (
    "Note: N({argument}) read the pair {pair} as a complex number, the first number plus I "
    "times the second. If it is a (root, multiplicity) pair from roots(), the root is "
    "{argument}[0]."
)
_N_OF_TWO_NUMBERS = (
    "Note: N({argument}) read the {kind} {pair} as one complex number, the first number plus I "
    "times the second: N() approximates one number. Each of them: [N(a) for a in {argument}], "
    "or vector({argument}).n()."
)
# N() of a list or tuple that is not two numbers, which it tried to read as a complex number
# too, once it found no numerical_approx() of its own: the first exception of the chain.
LIST_APPROXIMATED = re.compile(
    r"'(?:list|tuple|Sequence_generic)' object has no attribute 'numerical_approx'"
)
N_OF_A_LIST = (
    "N() approximates one number, and reads a list or tuple of two as a complex number "
    "(N([a, b]) is a + b*I): approximate each, as [N(v) for v in L], or vector(L).n(); "
    "solve's solutions as [s.rhs().n() for s in solve(...)]."
)
_MAX_SHOWN = 60
_NUMERICAL_APPROX = ("N", "numerical_approx")
# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:N|numerical_approx)\(")
# An item of a list, or of roots(), multiplied: `r[0] * 2`, `2 * p.roots()[1]`.
REPETITION_CANDIDATE = re.compile(r"\]\s*\*(?!\*)|(?<!\*)\*(?!\*)[^\n]*\[")


def hint(names: list[tuple[str, Any]]) -> str | None:
    """For a tuple used as a number: the first of `names` (a failing line's, with their
    values) that holds roots()' pairs, one of them, or two numbers."""
    for name, value in names:
        if _is_root_pairs(value):
            return _ROOTS.format(name=name, example=shown(value[0], _MAX_SHOWN))
        if _is_root_pair(value):
            return _ROOT.format(name=name, example=shown(value, _MAX_SHOWN))
        if is_two_floats(value):
            return _TWO_NUMBERS.format(name=name, example=shown(value, _MAX_SHOWN))
    return None


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """Which call of Sage's `N` in the cell `tree` took a roots() pair for a complex number,
    if one did."""
    found = _pair_given_to_n(tree, namespace)
    if found is None:
        return None
    argument, pair = found
    if isinstance(pair, list | tuple):
        kind = "list" if isinstance(pair, list) else "tuple"
        shown_pair = shown(pair, _MAX_SHOWN)
        return _N_OF_TWO_NUMBERS.format(argument=argument, kind=kind, pair=shown_pair)
    return (_N_OF_ROOT_PAIR if pair is None else _N_OF_PAIR).format(argument=argument, pair=pair)


def repetition_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """For a roots() pair multiplied by an integer, as a root would be: Python repeats the
    tuple, `r[0] * 2` of `[(-sqrt(2), 1), (sqrt(2), 1)]` is `(-sqrt(2), 1, -sqrt(2), 1)`."""
    for node in cell_calls.nodes_of(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
            continue
        for pair, number in ((node.left, node.right), (node.right, node.left)):
            if not (
                isinstance(pair, ast.Subscript)
                and _gives_root_pairs(pair.value, namespace)
                and cell_calls.a_number(number)
            ):
                continue
            written = cell_calls.as_written(pair)
            return _REPEATED.format(
                product=cell_calls.as_written(node),
                pair=written,
                root=f"{written}[0]",
                meant=cell_calls.as_written(
                    ast.BinOp(ast.Subscript(pair, ast.Constant(0)), node.op, number)
                    if pair is node.left
                    else ast.BinOp(number, node.op, ast.Subscript(pair, ast.Constant(0)))
                ),
            )
    return None


def repeated_note(value: Any, text: str) -> str | None:
    """For a shown value that is a pair of floats repeated: `2 * numerical_integral(f, 0, 1)`
    is four numbers, the pair twice."""
    if type(value) is not tuple or len(value) < 4 or len(value) % 2:
        return None
    pair, times = value[:2], len(value) // 2
    # Not a tuple of one number: (0.0, 0.0, 0.0, 0.0) may be zeros by design.
    if not is_two_floats(pair) or pair[0] == pair[1] or value != pair * times:
        return None
    return _REPEATED_FLOATS.format(pair=shown(pair, _MAX_SHOWN), times=times)


def _pair_given_to_n(
    tree: ast.Module, namespace: dict[str, Any]
) -> tuple[str, str | list[Any] | tuple[Any, ...] | None] | None:
    """The argument, as written, of the first call of Sage's N that took a pair, and the
    pair: as shown, for a roots() pair a name holds; None where roots() gave it; the list or
    tuple itself for two numbers of another kind."""
    from sage.misc.functional import numerical_approx

    # A name a comprehension or loop takes from roots(): `for r in p.roots()`.
    from_roots = {
        node.target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.comprehension | ast.For)
        and isinstance(node.target, ast.Name)
        and _gives_root_pairs(node.iter, namespace)
    }
    # A comprehension's names are its own: the session's of the same name are other values.
    comprehended = {
        name.id
        for node in ast.walk(tree)
        if isinstance(node, ast.comprehension)
        for name in ast.walk(node.target)
        if isinstance(name, ast.Name)
    }
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _NUMERICAL_APPROX
            and namespace.get(node.func.id) is numerical_approx
            and node.args
        ):
            continue
        argument = node.args[0]
        if isinstance(argument, ast.Name):
            if argument.id in from_roots:
                return argument.id, None
            value = namespace.get(argument.id)
            if argument.id not in comprehended and _is_root_pair(value):
                return argument.id, shown(value, _MAX_SHOWN)
            if argument.id not in comprehended and _two_real_numbers(value):
                return argument.id, value
        if isinstance(argument, ast.List | ast.Tuple) and len(argument.elts) == 2:
            items = [cell_calls.evaluated(item, namespace) for item in argument.elts]
            pair = items if isinstance(argument, ast.List) else tuple(items)
            if _two_real_numbers(pair):
                return shown(pair, _MAX_SHOWN), pair
        if isinstance(argument, ast.Subscript) and _gives_root_pairs(argument.value, namespace):
            return cell_calls.as_written(argument), None
    return None


def _gives_root_pairs(node: ast.expr, namespace: dict[str, Any]) -> bool:
    """Whether `node` is a roots() call that keeps multiplicities (as it does unless told
    multiplicities=False), or a name holding pairs."""
    if isinstance(node, ast.Name):
        return _is_root_pairs(namespace.get(node.id))
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "roots"
        and not any(
            keyword.arg == "multiplicities"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is False
            for keyword in node.keywords
        )
    )


def _is_root_pairs(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(map(_is_root_pair, value[:64]))


def _two_real_numbers(value: Any) -> bool:
    """Whether `value` is a list or tuple of two real numbers, exact or not."""
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(not isinstance(v, str | bytes | bool) and real_value(v) is not None for v in value)
    )


def _is_root_pair(value: Any) -> bool:
    return (
        type(value) is tuple
        and len(value) == 2
        and not isinstance(value[0], tuple | list | str | bytes)
        and isinstance(value[1], numbers.Integral)
        and not isinstance(value[1], bool)
        and int(value[1]) > 0
    )


def is_two_floats(value: Any) -> bool:
    """Whether `value` is a pair of floats, as numerical_integral gives (value, estimate), or
    find_local_minimum (value, position), the position a NumPy float."""
    return type(value) is tuple and len(value) == 2 and all(isinstance(v, float) for v in value)
