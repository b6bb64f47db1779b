"""What an index out of range asked for, said with the size of what it indexed.

`A[2, 2]` of a 2 by 2 matrix fails with "matrix index out of range", `s[2]` of solve's two
solutions with "list index out of range": neither says the size, nor that Sage counts from 0,
where Mathematica and MATLAB, whose habits agents bring, count from 1. The hint names what
was indexed, its size, and its first and last index. And `A[0, :] = [9, 9]`, NumPy's way to
set a row, fails with "value does not have the right number of rows" (a column's, with "has no
len()"): Sage's slice of a matrix is a matrix, which takes a list of rows (`slice_hint`).
Counterpart: `hints`, which gives it the cell's failing line and how to look its names up.
"""

from __future__ import annotations

import ast
import numbers
import operator
import re
from collections.abc import Callable
from typing import Any

from sage_sidecar import cell_calls

REFUSED = re.compile(r"(?:matrix|vector|list|tuple|row|column) index out of range")
_ENTRY = (
    "{name} is {rows} by {columns}: Sage counts rows and columns from 0, so its entries run "
    "from {name}[0, 0] to {name}[{last_row}, {last_column}]."
)
_ROWS = "{name} has {count} {rows}, {indices}: Sage counts from 0."
_ITEMS = (
    "{name} has {count} {items}, {indices}: Sage, as Python, counts from 0 ({name}[-1] is the "
    "last)."
)
_EMPTY = "{name} is empty: it has no {items} to index."
# A list given to a matrix's row or column slice: refused by the slice, or by its entries.
SLICE_REFUSED = re.compile(
    r"value does not have the right number of (?:rows|columns)"
    r"|object of type '.{1,80}' has no len\(\)"
)
_ROW_SLICE = (
    "{target} is a 1 by {columns} matrix, which takes a list of rows, {target} = [{items}], or "
    "a vector, {target} = vector({items}); {name}[{index}] = {items} and "
    "{name}.set_row({index}, {items}) set the row from the list."
)
_COLUMN_SLICE = (
    "{target} is a {rows} by 1 matrix, which takes a list of rows, {target} = [{column}]; "
    "{name}.set_column({index}, {items}) sets the column from the list."
)
_OPERATORS: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}


def hint(line: str, look_up: Callable[[str], Any]) -> str | None:
    """For the first index on `line`, the cell's failing line, that is out of range of the
    matrix, vector, list or tuple a name holds; `look_up` gives a name's value there."""
    tree = cell_calls.parsed_line(line)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            name = node.value.id
            said = _subscript_hint(name, look_up(name), node.slice, look_up)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("row", "column")
            and isinstance(node.func.value, ast.Name)
            and len(node.args) == 1
        ):
            name = node.func.value.id
            said = _row_or_column_hint(name, look_up(name), node.func.attr, node.args[0], look_up)
        else:
            continue
        if said is not None:
            return said
    return None


def slice_hint(line: str, look_up: Callable[[str], Any]) -> str | None:
    """For a flat list assigned to a row or column slice of a matrix on `line`, the cell's
    failing line, `A[0, :] = [9, 9]`; `look_up` gives a name's value there."""
    from sage.structure.element import Matrix

    tree = cell_calls.parsed_line(line)
    if tree is None:
        return None
    statement = tree.body[0] if len(tree.body) == 1 else None
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(target := statement.targets[0], ast.Subscript)
        and isinstance(target.value, ast.Name)
        and isinstance(target.slice, ast.Tuple)
        and len(target.slice.elts) == 2
        and isinstance(statement.value, ast.List)
        and not any(isinstance(item, ast.List | ast.Tuple) for item in statement.value.elts)
    ):
        return None
    name = target.value.id
    matrix = look_up(name)
    row, column = target.slice.elts
    if not isinstance(matrix, Matrix) or isinstance(row, ast.Slice) == isinstance(
        column, ast.Slice
    ):
        return None
    written = {
        "target": cell_calls.segment(line, target),
        "items": cell_calls.segment(line, statement.value),
        "name": name,
    }
    if isinstance(column, ast.Slice):
        return _ROW_SLICE.format(
            index=cell_calls.segment(line, row), columns=matrix.ncols(), **written
        )
    items = [cell_calls.segment(line, item) for item in statement.value.elts]
    return _COLUMN_SLICE.format(
        index=cell_calls.segment(line, column),
        rows=matrix.nrows(),
        column=", ".join(f"[{item}]" for item in items),
        **written,
    )


def _subscript_hint(
    name: str, value: Any, index: ast.expr, look_up: Callable[[str], Any]
) -> str | None:
    from sage.structure.element import Matrix, Vector

    if isinstance(value, Matrix):
        rows, columns = value.nrows(), value.ncols()
        if isinstance(index, ast.Tuple) and len(index.elts) == 2:
            row, column = (_integer(i, look_up) for i in index.elts)
            if row is None or column is None:
                return None
            if _within(row, rows) and _within(column, columns):
                return None
            return _ENTRY.format(
                name=name,
                rows=rows,
                columns=columns,
                last_row=rows - 1,
                last_column=columns - 1,
            )
        row = _integer(index, look_up)
        if row is None or _within(row, rows):
            return None
        return _rows(name, rows, "rows", "[{}]")
    if isinstance(value, Vector | list | tuple):
        position = _integer(index, look_up)
        if position is None or _within(position, len(value)):
            return None
        one, many = ("entry", "entries") if isinstance(value, Vector) else ("item", "items")
        if not value:
            return _EMPTY.format(name=name, items=many)
        count = len(value)
        items = one if count == 1 else many
        return _ITEMS.format(
            name=name, count=count, items=items, indices=_indices(name + "[{}]", count)
        )
    return None


def _row_or_column_hint(
    name: str, value: Any, method: str, index: ast.expr, look_up: Callable[[str], Any]
) -> str | None:
    from sage.structure.element import Matrix

    if not isinstance(value, Matrix):
        return None
    count = value.nrows() if method == "row" else value.ncols()
    position = _integer(index, look_up)
    if position is None or _within(position, count):
        return None
    return _rows(name, count, f"{method}s", f".{method}({{}})")


def _rows(name: str, count: int, rows: str, form: str) -> str:
    return _ROWS.format(
        name=name,
        count=count,
        rows=rows if count != 1 else rows[:-1],
        indices=_indices(name + form, count),
    )


def _indices(form: str, count: int) -> str:
    """The first and last of `count` indices, each written as `form` writes one."""
    if count == 1:
        return form.format(0)
    return f"{form.format(0)} to {form.format(count - 1)}"


def _within(index: int, size: int) -> bool:
    return -size <= index < size


def _integer(node: ast.expr, look_up: Callable[[str], Any]) -> int | None:
    """The index `node` stands for: integers, names of integers, and + - * of them."""
    if isinstance(node, ast.Constant):
        return (
            node.value if isinstance(node.value, int) and not isinstance(node.value, bool) else None
        )
    if isinstance(node, ast.Name):
        value = look_up(node.id)
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return int(value)
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand = _integer(node.operand, look_up)
        return None if operand is None else -operand
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _integer(node.left, look_up), _integer(node.right, look_up)
        if left is None or right is None:
            return None
        return _OPERATORS[type(node.op)](left, right)
    return None
