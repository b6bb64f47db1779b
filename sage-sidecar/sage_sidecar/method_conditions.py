"""Says so when a condition tests one of Sage's methods rather than its value.

SymPy's `n.is_prime` and `e.is_positive` are properties, True or False; Sage's are methods,
and a method is true as a condition. `if e.is_zero:` takes its branch whatever e is, and
`[n for n in srange(10) if n.is_square]` is all ten numbers. Nothing fails.
Where the test of an `if`, a `while`, a conditional expression, a comprehension's `if`, an
`and`, `or` or `not` holds such a method uncalled, one line on stderr says so and gives the
call. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections import deque
from collections.abc import Iterator
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.is_\w+(?!\w|\s*\()")
# Sage's ranges of numbers, each with the one of them that makes the same items lazily: the
# first costs nothing to make again.
_RANGES = {"srange": "xsrange", "xsrange": "xsrange", "primes": "primes", "prime_range": "primes"}
_NOTE = (
    "Note: {written} is a method in Sage, where SymPy has a property, and a method is true as "
    "a condition: {where} whatever {receiver} is. Its value is {written}()."
)
_BRANCH = "the test holds"
_KEPT = "the comprehension keeps every item"


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first method of Sage's tested uncalled in a condition of the cell."""
    for test, kept, targets in _tests(tree):
        for node in ast.walk(test):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("is_")):
                continue
            if not _a_method(node, namespace, targets):
                continue
            return _NOTE.format(
                written=cell_calls.as_written(node),
                where=_KEPT if kept else _BRANCH,
                receiver=cell_calls.as_written(node.value),
            )
    return None


def _tests(tree: ast.Module) -> Iterator[tuple[ast.expr, bool, dict[str, ast.expr]]]:
    """Each condition of the cell outside the functions and classes it defines: the test,
    whether a comprehension filters by it, and the variables of the comprehensions it is in,
    each with what it iterates over."""
    pending: deque[tuple[ast.AST, dict[str, ast.expr]]] = deque((node, {}) for node in tree.body)
    while pending:
        node, targets = pending.popleft()
        if isinstance(node, cell_calls.DEFINITIONS):
            continue
        if isinstance(node, cell_calls.COMPREHENSIONS):
            targets = {
                **targets,
                **{
                    generator.target.id: generator.iter
                    for generator in node.generators
                    if isinstance(generator.target, ast.Name)
                },
            }
            for generator in node.generators:
                yield from ((test, True, targets) for test in generator.ifs)
        elif isinstance(node, ast.If | ast.While | ast.IfExp | ast.Assert):
            yield node.test, False, targets
        elif isinstance(node, ast.BoolOp):
            yield from ((operand, False, targets) for operand in node.values)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node.operand, False, targets
        pending.extend((child, targets) for child in ast.iter_child_nodes(node))


def _a_method(
    attribute: ast.Attribute, namespace: dict[str, Any], targets: dict[str, ast.expr]
) -> bool:
    """Whether `attribute`, not called, is a method of one of Sage's values: of the value its
    receiver has, or, for a comprehension's variable, of the first item of what it iterates
    over."""
    from sage.structure.element import Element

    receiver = attribute.value
    if isinstance(receiver, ast.Name) and receiver.id in targets:
        sample = _first_item(targets[receiver.id], namespace)
    else:
        sample = cell_calls.evaluated(receiver, namespace)
    if not isinstance(sample, Element):
        return False
    return inspect.isroutine(getattr(type(sample), attribute.attr, None))


def _first_item(iterated: ast.expr, namespace: dict[str, Any]) -> Any:
    """The first item of what a comprehension iterates over: a list or tuple a name holds, or
    one of Sage's ranges of numbers (`srange(10)`, `primes(50)`) of numbers."""
    import sage.all

    if isinstance(iterated, ast.Call):
        name = cell_calls.called(iterated)
        if not (
            isinstance(iterated.func, ast.Name)
            and name in _RANGES
            and all(cell_calls.a_number(argument) for argument in iterated.args)
            and not iterated.keywords
        ):
            return None
        if namespace.get(name) is not getattr(sage.all, name, None):
            return None  # the cell's own
        arguments = [cell_calls.evaluated(argument, namespace) for argument in iterated.args]
        return next(iter(getattr(sage.all, _RANGES[name])(*arguments)), None)
    items = cell_calls.evaluated(iterated, namespace)
    return items[0] if isinstance(items, list | tuple) and items else None
