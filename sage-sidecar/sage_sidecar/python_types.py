"""Hints where Python's own types and functions meet the numbers the preparser makes.

The preparser makes `0.5` a RealLiteral and `8` an Integer, which some Python functions refuse
(`time.sleep(0.5)`, `random.seed(42)`), `json` cannot write, and Python's `Decimal` and
`Fraction` do not mix with; `range` steps by integers only, and takes no float for a whole
number (`range(1e3)`), as list indices take none, nor a fraction of integers `/` made. Python
3's `zip` and `map` are iterators, which Sage functions that index their data refuse. Sage's
rationals take no format spec, and Python's ^ of sets is a power to the preparser. And a Python
list of rows, or of numbers, has none of a matrix's or a vector's methods, nor has a NumPy
array, nor is it the vector solve_right() takes; nor has it a vector's arithmetic
(`M * [1, 1]`, `[1, 2] - [3, 4]`, `[1, 2, 3] * 0.5`), nor a list of rows a matrix's (`A^2`),
nor do Sage's functions take one (`sin([1, 2])`). And a Python int or float, as range() and
math make them, lacks a Sage number's methods (`n.is_prime()`). And len() of an integer, for
its digits, or of an expression, for its terms, is refused, and json writes none of Sage's
objects, nor NumPy's. Each message says what failed but not what to write instead; the hint
does. Counterpart: `hints`, which puts the hint under the error.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from sage_sidecar import cell_calls

# A Python function refusing the Sage number the preparser made of a literal (`time.sleep(0.5)`
# gets a RealLiteral).
_PREPARSED_NUMBER = re.compile(r"'sage\.rings\.(real_mpfr\.RealLiteral|integer\.Integer)'")
# What Python's own numbers cannot do either: `len(5)`, `for i in 5`, `5[0]`.
_NO_NUMBER_CAN = re.compile(r"has no len\(\)|object is not (?:iterable|subscriptable)")
# A Sage number's method asked of Python's own: `n.is_prime()` of n from range().
_PYTHON_NUMBER = "{subject} a Python {kind}, which has no {method}(): {way}. {made}"
_MADE = {
    "int": "Python's range(), len() and int() make Python ints; Sage's srange() makes Integers.",
    "float": "Python's float() and math functions make Python floats; Sage's RR() real numbers.",
}
_RAW_NUMBERS = (
    "The preparser makes number literals Sage numbers (0.5 a RealLiteral, 8 an Integer), "
    "which some Python functions refuse: write 0.5r or 8r (raw literals), or float(0.5) or "
    "int(8), where plain Python numbers are wanted."
)
# random.seed(1), which takes a Python int, and refuses the preparser's Integer by its kinds.
_SEED_TYPES = "The only supported seed types are:"
_SEED = (
    "random.seed takes Python's own int, and the preparser made the seed a Sage Integer: "
    "random.seed(int(42)), or 42r. set_random_seed(42) seeds Sage's generators (randint(), "
    "random_matrix()), not Python's random module nor NumPy's."
)
# Python's own number types meeting the preparser's: `Decimal("1.1") + 1`, where 1 is an
# Integer, and `Fraction(1, 3)`, which reads an Integer's numerator() method as a number.
_SAGES_RINGS = r"'(?:Integer Ring|Rational Field|Real Field with 53 bits of precision)'"
_PYTHONS_NUMBERS = r"'<class '(?:decimal\.Decimal|fractions\.Fraction)'>'"
_PYTHON_NUMBER_MEETS_SAGES = re.compile(
    rf"unsupported operand parent\(s\) for .{{1,3}}: (?:{_PYTHONS_NUMBERS} and {_SAGES_RINGS}"
    rf"|{_SAGES_RINGS} and {_PYTHONS_NUMBERS})"
    r"|unsupported operand type\(s\) for .{1,3}: 'method' and 'method'"
)
# json.dumps of what the preparser made of 5, or of 1/3.
_NOT_JSON = re.compile(
    r"Object of type (?:Integer|Rational|RealLiteral|RealNumber|RealDoubleElement|"
    r"ComplexNumber|Expression|AlgebraicNumber|AlgebraicReal) is not JSON serializable"
)
_JSON = (
    "json writes Python's numbers, not Sage's (the preparser makes 5 an Integer, 1/3 a "
    "Rational): convert them first, as int(v) or float(v), or str(v) to keep an exact value; "
    "a literal can be written raw, as 5r."
)
# json.dumps of another object of Sage's, or of NumPy's: a factorization, a matrix, an array.
_NOT_JSON_OTHER = re.compile(r"Object of type (\w+) is not JSON serializable")
_JSON_OTHER = (
    "json writes Python's own types only (dict, list, str, int, float, bool, None), and "
    "{kind} is none of them: {way}json.dumps(..., default=str) writes each such object as its "
    "text."
)
_JSON_WAYS = (
    (re.compile(r"(?:Integer)?Factorization"), "[(int(p), int(e)) for p, e in f] gives a "
     "factorization f's (prime, exponent) pairs; "),
    (re.compile(r"Matrix_\w+"), "[[float(a) for a in row] for row in M.rows()] gives a matrix "
     "M's rows as lists of floats (int() or str() keeps exact entries); "),
    (re.compile(r"Vector_\w+|FreeModuleElement\w*"), "[float(a) for a in v] gives a vector v's "
     "entries as floats (int() or str() keeps exact ones); "),
    (re.compile(r"ndarray"), "a.tolist() gives a NumPy array's items as Python's numbers; "),
    (re.compile(r"u?int\d+|float\d+|bool_"), "int(v), float(v) or bool(v) makes a NumPy "
     "number Python's; "),
)  # fmt: skip
# Python 3's iterators where Sage (or the cell) indexes: `list_plot(zip(xs, ys))`.
_NOT_SUBSCRIPTABLE = re.compile(r"'(zip|map|filter|generator)' object is not subscriptable")
_ITERATOR = (
    "A {kind} object is a Python iterator, which is read once and cannot be indexed: make it "
    "a list first, as {made}."
)
# `len(primes(100))`: an iterator's items are made only as it is read.
_NO_LENGTH = re.compile(r"object of type '(zip|map|filter|generator)' has no len\(\)")
_ITERATOR_LENGTH = (
    "A {kind} object is a Python iterator, which makes its items only as it is read, so it "
    "has no length: len({made}) counts them, and uses the iterator up.{primes}"
)
_PRIMES_COUNTED = " prime_pi(n) counts the primes up to n without making them."
_PRIMES_CALLED = re.compile(r"(?<![\w.])primes\(")
# `len(A)`, which NumPy answers with the number of rows.
_MATRIX_LENGTH = re.compile(r"object of type 'sage\.matrix\.[\w.]+' has no len\(\)")
_LENGTH_ASKED = re.compile(r"(?<![\w.])len\(\s*([^\W\d]\w*)\s*\)")
_MATRIX_ROWS = (
    "A Sage matrix has no len(); NumPy's len() of an array counts its rows, {name}.nrows() "
    "here. {name}.dimensions() gives (rows, columns), and len({name}.list()) counts the "
    "entries."
)
# `len(factorial(100))` for its digits, `len(x^2 + x)` for its terms.
_NUMBER_LENGTH = re.compile(
    r"object of type '(?:int|sage\.rings\.integer\.Integer)' has no len\(\)"
)
_DIGITS = (
    "An integer has no len(): {n}.ndigits() counts its decimal digits, and {n}.digits() lists "
    "them, the least significant first."
)
_EXPRESSION_LENGTH = "object of type 'sage.symbolic.expression.Expression' has no len()"
_OPERANDS = (
    "A symbolic expression has no len(): {e}.operands() lists the terms of a sum, or the "
    "factors of a product, and len({e}.operands()) counts them."
)
# `range(0, 1, 0.1)`: the raw literals above would fail the same way, as a float.
_RATIONAL_REFUSED = re.compile(r"unable to convert rational (\S+) to an integer")
_NOT_AN_INTEGER = re.compile(
    r"'(?:float|sage\.rings\.real_mpfr\.RealLiteral)' object cannot be interpreted as an integer"
    rf"|{_RATIONAL_REFUSED.pattern}"
)
# A floating-point number where Python wants an integer: `range(1e3)`, `[0]*1e3`, `l[2.0]`.
_FLOAT = r"(?:float|sage\.rings\.real_mpfr\.Real(?:Literal|Number))"
_INTEGER_WANTED = re.compile(
    rf"'{_FLOAT}' object cannot be interpreted as an integer"
    rf"|can't multiply sequence by non-int of type '{_FLOAT}'"
    rf"|\w+ indices must be integers(?: or slices)?, not '?{_FLOAT}'?"
    # A size written as a float, where a matrix's ring may go first: identity_matrix(3.0).
    r"|base_ring \(=\d+\.0+\) must be a ring"
)
# A literal of a whole number written as a float: 1e3, 1.5e3, 100.0.
_WHOLE_FLOAT = re.compile(r"(?<![\w.])(?:\d+(?:\.\d*)?[eE]\+?\d+|\d+\.0*)(?![\w.])")
_WRITE_THE_INTEGER = (
    "{literal} is a floating-point number, not the integer this wants: write {integer}, or "
    "int({literal})."
)
_COMPUTED_FLOAT = "sage.rings.real_mpfr.RealNumber"
_FLOAT_GIVEN = (
    "A floating-point number was given where an integer is wanted: int(v) or ZZ(v) makes one "
    "of a whole number, round(v) of any."
)
_INTEGER_DIVISION = (
    "{fraction} is a fraction, as / makes one of two integers in Sage, not an integer: "
    "a // b divides to an integer (7 // 2 is 3)."
)
# Where the line has //, it was one of a rational that made the fraction: Sage's divides exactly.
_EXACT_DIVISION = (
    "{fraction} is a fraction, not an integer: Sage's // of a rational (as / makes one of two "
    "integers, even where they divide) divides exactly, as / does. floor(a / b) is the integer "
    "Python's // gives."
)
_RANGE_CALLED = re.compile(r"(?<![\w.])range\s*\(")
_FRACTIONAL_RANGE = (
    "range() steps by integers only. For a fractional step, Sage's srange(start, stop, step) "
    "gives the numbers, as srange(0, 1, 0.1)."
)
# `sum(1/k^2 for k in range(1, oo))`: a sum to infinity written as a loop.
_INFINITY_REFUSED = re.compile(
    r"'(?:Plus|Minus)Infinity' object cannot be interpreted as an integer"
)
_INFINITE_RANGE = (
    "range() counts to an integer, and oo is none. A sum to infinity is Sage's sum(f, k, 1, oo), "
    "as k = var('k'); sum(1/k^2, k, 1, oo); a loop with no end, itertools.count(1)."
)
# `x^{2}`, LaTeX's exponent in braces, which make a set (or a dictionary) for Python.
_SET_AS_EXPONENT = re.compile(
    r"unsupported operand type\(s\) for \*\* or pow\(\): "
    r"'(?!(?:set|frozenset|dict)')[\w.]+' and '(?:set|dict)'"
)
_BRACED_EXPONENT = re.compile(r"\^\s*\{([^{},:]*)\}")
_LATEX_EXPONENT = (
    "{written} is LaTeX's exponent: braces make a set in Python. Write ^({exponent}), or ^2 "
    "for a single number."
)
# Python's ^ of sets, which the preparser made a power: `{1, 2} ^ {2, 3}`.
_SETS_POWERED = re.compile(
    r"unsupported operand type\(s\) for \*\* or pow\(\): '(?:set|frozenset)' and "
    r"'(?:set|frozenset)'"
)
_EXCLUSIVE_OR = (
    "The preparser reads ^ as a power, as mathematics writes it: Python's ^, the symmetric "
    "difference of sets (and exclusive or of integers), is ^^ in Sage, as s ^^ t, or "
    "s.symmetric_difference(t)."
)
# A format spec (`f"{1/3:.3f}"`) given to a Sage value that has none: a rational, an expression.
_SAGE_FORMAT = re.compile(r"unsupported format string passed to sage\.[\w.]+\.__format__")
# A list of rows, or of numbers, asked what a Sage matrix or vector does: `M.det()`.
_ROWS = (
    "{name} is {what}, not a matrix, which has {method}(): "
    "matrix({name}).{method}({dots}) makes it one first{too}."
)
_NUMBERS = (
    "{name} is {what}, not a vector, which has {method}(): "
    "vector({name}).{method}({dots}) makes it one first{too}."
)
_TOO = ", as must be a matrix or vector given to it"
# A Python list given to solve_right or solve_left, which take a vector or a matrix.
_NOT_A_VECTOR = "the second argument must be a vector or a matrix"
_LIST_GIVEN = re.compile(r"\.solve_(?:right|left)\(\s*(\[[^\[\]]*\])\s*\)")
_MAKE_A_VECTOR = (
    "solve_right and solve_left take a vector or a matrix, not a Python list: "
    "vector({items}) makes a vector of the list."
)
# Arithmetic of a Python list or tuple as if it were a vector, with another or a number, vector
# or matrix, whichever side it is on: `v + [1, 2]`, `M * [1, 1]`, `[1, 2] - [3, 4]`,
# `[1, 2, 3] * 0.5`, `[1, 2] / 2`, `v * [1, 2]`.
_OTHER = r"(?:list|tuple|int|float|sage\.[\w.]+)"
_SEQUENCE_ARITHMETIC = re.compile(
    rf"unsupported operand type\(s\) for [^:]{{1,20}}: '(?:(?:list|tuple)' and '{_OTHER}"
    rf"|{_OTHER}' and '(?:list|tuple))'"
    r"|unsupported operand parent\(s\) for [^:]{1,5}: '(?:<class '(?:list|tuple)'>' and '(?!<).+"
    r"|(?!<).+' and '<class '(?:list|tuple)'>)'"
    r"|can't multiply sequence by non-int of type '(?!int'|str')[^']+'"
    rf"|can only concatenate (?:list|tuple) \(not \"{_OTHER}\"\) to (?:list|tuple)"
    r"|'sage\.modules\.[\w.]+' object cannot be interpreted as an integer"
    # A list times an expression, which Python asks for an integer to repeat it by: `L * x`.
    r"|unable to convert (?!rational ).{1,200} to an integer"
    # Where Sage's symbolic ring meets one, `x + [1, 2]` or `exp([1, 2])`.
    r"|cannot coerce arguments: no canonical coercion from <class '(?:list|tuple)'> to "
    r"Symbolic Ring"
)
# A function of a number given one, `sqrt([1, 2])`, `abs((1, 2))`; or a vector's method given
# one where it wants a vector, `v.dot_product([1, 2])`.
_SEQUENCE_GIVEN = re.compile(
    r"bad operand type for abs\(\): '(?:list|tuple)'"
    r"|unable to convert [\[(].{0,200}[\])] to a symbolic expression"
)
_VECTOR_WANTED = re.compile(
    r"Cannot convert (?:list|tuple) to sage\.modules\.free_module_element\.FreeModuleElement"
)
_NOT_VECTOR_ARITHMETIC = (
    "A Python {kind} is not a vector: + joins two, * repeats one by an integer, and other "
    "arithmetic refuses it. Entry by entry: {way}."
)
_ROWS_ARITHMETIC = (
    "A Python {kind} of rows is not a matrix: + joins two, * repeats one by an integer, and "
    "other arithmetic refuses it. As a matrix: {way}."
)
# What does it entry by entry, by the operator and what the other operand is.
_OF_TWO = {
    "+": "vector({written}) + vector({other}) adds them as vectors",
    "-": "vector({written}) - vector({other}) subtracts them as vectors",
    "*": (
        "vector({written}).pairwise_product(vector({other})); vector * vector is their dot product"
    ),
}
_OF_TWO_ZIPPED = "[a {operator} b for a, b in zip({written}, {other})]"
_SCALED = "vector({written}) {operator} {other} scales it as a vector; or [{each}]"
_EACH = "[{each}]"
_SOME_WAY = "make it a vector, as vector({written}), or write a comprehension"
# What the other operand was, where a matrix or vector refused the sequence.
_LINEAR_ALGEBRA = re.compile(r"sage\.(?:matrix|modules)\.|free module|MatrixSpace|Vector space")
_NOT_A_VECTOR_FOR = (
    "A Python {kind} is not a vector, and a matrix's or vector's arithmetic refuses it: make "
    "it one, as vector({written})."
)
_ENTRY_BY_ENTRY = (
    "{function}() takes a number or an expression, not a Python {kind}: for each entry, "
    "[{function}(a) for a in {written}], or vector({written}).apply_map({function})."
)
_MAKE_IT_A_VECTOR = (
    "{function}() takes a vector, not a Python {kind}: make it one, as vector({written})."
)
_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "^", ast.BitXor: "^",  # the cell as written: its ^ is a power
}  # fmt: skip
_MAX_WRITTEN = 60
_MAX_CONVERTED = 10_000
_FORMAT_A_NUMBER = (
    "Sage's rationals and symbolic expressions take no format spec such as .3f: make the value "
    "a floating-point number first, as f'{float(v):.3f}' or f'{v.n():.3f}'."
)


def hint(message: str, failing_line: Callable[[], str]) -> str | None:
    """For a TypeError with `message`, raised on the cell's line `failing_line()` gives (its
    string literals emptied), if one applies."""
    integer_wanted = _INTEGER_WANTED.fullmatch(message) is not None
    if integer_wanted and (written := whole_float_hint(failing_line())):
        return written
    if (fraction := _RATIONAL_REFUSED.fullmatch(message)) and abs(Fraction(fraction[1])) > 1:
        made = _EXACT_DIVISION if "//" in failing_line() else _INTEGER_DIVISION
        return made.format(fraction=fraction[1])
    if _NOT_AN_INTEGER.fullmatch(message) and _RANGE_CALLED.search(failing_line()):
        return _FRACTIONAL_RANGE
    if _INFINITY_REFUSED.fullmatch(message) and _RANGE_CALLED.search(failing_line()):
        return _INFINITE_RANGE
    if _SET_AS_EXPONENT.fullmatch(message) and (braced := _BRACED_EXPONENT.search(failing_line())):
        return _LATEX_EXPONENT.format(written=braced[0], exponent=braced[1])
    if integer_wanted and (_COMPUTED_FLOAT in message or message.startswith("base_ring")):
        # Not a literal's, which time.sleep(0.5) refuses too, as a Sage number.
        return _FLOAT_GIVEN
    if (
        _PREPARSED_NUMBER.search(message)
        and not _NO_NUMBER_CAN.search(message)
        and not _SEQUENCE_ARITHMETIC.fullmatch(message)  # `[1, 2] * 0.5`: no raw 0.5 would do
    ):
        return _RAW_NUMBERS
    if message.startswith(_SEED_TYPES):
        return _SEED
    if _PYTHON_NUMBER_MEETS_SAGES.fullmatch(message):
        return _RAW_NUMBERS
    if _NOT_JSON.fullmatch(message):
        return _JSON
    if other := _NOT_JSON_OTHER.fullmatch(message):
        kind = other[1]
        way = next((way for pattern, way in _JSON_WAYS if pattern.fullmatch(kind)), "")
        return _JSON_OTHER.format(kind=kind, way=way)
    if iterator := _NOT_SUBSCRIPTABLE.fullmatch(message):
        return _ITERATOR.format(kind=iterator[1], made=_listed(iterator[1]))
    if iterator := _NO_LENGTH.fullmatch(message):
        primes = _PRIMES_COUNTED if _PRIMES_CALLED.search(failing_line()) else ""
        return _ITERATOR_LENGTH.format(kind=iterator[1], made=_listed(iterator[1]), primes=primes)
    if _MATRIX_LENGTH.fullmatch(message):
        return _MATRIX_ROWS.format(name=_length_asked(failing_line(), "A"))
    if _NUMBER_LENGTH.fullmatch(message):
        return _DIGITS.format(n=_length_asked(failing_line(), "n"))
    if message == _EXPRESSION_LENGTH:
        return _OPERANDS.format(e=_length_asked(failing_line(), "e"))
    if _SAGE_FORMAT.match(message):
        return _FORMAT_A_NUMBER
    if _SETS_POWERED.fullmatch(message):
        return _EXCLUSIVE_OR
    if message == _NOT_A_VECTOR:
        return list_to_solve_hint(failing_line()) or _MAKE_A_VECTOR.format(items="[...]")
    return None


def _length_asked(line: str, otherwise: str) -> str:
    """What `line` asks the len() of, as written: a name, on any line (`for i in
    range(len(A)):` does not parse alone), or, on a line that parses alone, an operand
    (`factorial(100)`, `(x + 1)`); `otherwise` if neither."""
    if named := _LENGTH_ASKED.search(line):
        return named[1]
    line = line.strip()
    tree = cell_calls.parsed_line(line)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and cell_calls.called(node) == "len" and len(node.args) == 1:
            written = cell_calls.segment(line, node.args[0])
            return otherwise if written is None else cell_calls.as_operand(written, node.args[0])
    return otherwise


def _listed(kind: str) -> str:
    """How an iterator of `kind` ("zip", "generator") is made a list."""
    return "list(...)" if kind == "generator" else f"list({kind}(...))"


class _Sequence(NamedTuple):
    """A list or tuple on a failing line, as the line writes it, and the arithmetic it is in."""

    written: str
    kind: str  # "list" or "tuple"
    operator: str | None = None  # as the cell writes it: ^ for a power
    other: str | None = None  # the other operand, as written
    left: bool = True  # whether it is the left operand
    of_two: bool = False  # whether the other operand is a sequence too
    rows: bool = False  # whether it is a list of rows, of one length: a matrix's
    other_rows: bool = False  # and whether the other operand is


def vector_hint(
    message: str,
    failing_line: Callable[[], str],
    names: Callable[[], list[tuple[str, Any]]],
    callee: Callable[[], tuple[str, Any] | None],
) -> str | None:
    """For a TypeError with `message` of a Python list or tuple used as a vector: in
    arithmetic, given to a function of a number, or to a vector's method. `failing_line`,
    `names` and `callee` give the cell's failing line (its string literals emptied), the names
    on it with their values, and the function it was calling, if any, as named and its value."""
    arithmetic = _SEQUENCE_ARITHMETIC.fullmatch(message) is not None
    function_of_one = _SEQUENCE_GIVEN.fullmatch(message) is not None
    vector_wanted = _VECTOR_WANTED.fullmatch(message) is not None
    if not (arithmetic or function_of_one or vector_wanted):
        return None
    # Sage's symbolic ring refuses it alike in `x + [1, 2]` and `exp([1, 2])`: the call tells.
    given = function_of_one or vector_wanted or message.startswith("cannot coerce")
    called = callee() if given else None
    function = None
    if called is not None and (vector_wanted or _of_a_number(called[1])):
        function = called[0]
    if function is None and not arithmetic:
        return None
    sequence = _sequence_on(failing_line(), dict(names()), given=function is not None)
    if sequence is None:
        return None
    written, kind = sequence.written, sequence.kind
    if vector_wanted:
        return _MAKE_IT_A_VECTOR.format(function=function, kind=kind, written=written)
    if function is not None:
        return _ENTRY_BY_ENTRY.format(function=function, kind=kind, written=written)
    if _LINEAR_ALGEBRA.search(message):
        return _NOT_A_VECTOR_FOR.format(kind=kind, written=written)
    if sequence.rows and sequence.operator is not None and sequence.other is not None:
        return _ROWS_ARITHMETIC.format(kind=kind, way=_as_matrices(sequence))
    return _NOT_VECTOR_ARITHMETIC.format(kind=kind, way=_entry_by_entry(sequence))


def _of_a_number(function: Any) -> bool:
    """Whether `function` is one of a number, which a comprehension applies to each entry:
    Sage's sin, exp, sqrt, log, Python's abs."""
    return function is abs or cell_calls.symbolic_function(function)


def _as_matrices(sequence: _Sequence) -> str:
    """The arithmetic `sequence` is in, with it, and the other operand if it has rows too,
    made a matrix."""
    this = f"matrix({sequence.written})"
    other = f"matrix({sequence.other})" if sequence.other_rows else sequence.other
    left, right = (this, other) if sequence.left else (other, this)
    return f"{left} {sequence.operator} {right}"


def _entry_by_entry(sequence: _Sequence) -> str:
    """What does the arithmetic `sequence` is in entry by entry."""
    written, operator, other = sequence.written, sequence.operator, sequence.other
    if operator is None or other is None:
        return _SOME_WAY.format(written=written)
    if sequence.of_two:
        if operator in _OF_TWO:
            return _OF_TWO[operator].format(written=written, other=other)
        return _OF_TWO_ZIPPED.format(operator=operator, written=written, other=other)
    each = f"a {operator} {other}" if sequence.left else f"{other} {operator} a"
    each = f"{each} for a in {written}"
    if (operator == "/" and sequence.left) or operator == "*":
        return _SCALED.format(written=written, operator=operator, other=other, each=each)
    return _EACH.format(each=each)


def _sequence_on(line: str, names: dict[str, Any], *, given: bool) -> _Sequence | None:
    """The list or tuple on the failing `line`: the first written, or named, as an operand of
    arithmetic, with that arithmetic; or, `given`, as a call's argument."""
    tree = cell_calls.parsed_line(line)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and not given:
            operands: list[ast.expr] = [node.left, node.right]
        elif isinstance(node, ast.Call) and given:
            operands = node.args
        else:
            continue
        for index, operand in enumerate(operands):
            kind = _kind(operand, names)
            text = cell_calls.segment(line, operand)
            if kind is None or not text or len(text) > _MAX_WRITTEN:
                continue
            if not isinstance(node, ast.BinOp):
                return _Sequence(text, kind)
            other = cell_calls.segment(line, operands[1 - index])
            operator = _OPERATORS.get(type(node.op))
            if other is not None and len(other) > _MAX_WRITTEN:
                other = None
            of_two = _kind(operands[1 - index], names) is not None
            return _Sequence(
                text,
                kind,
                operator,
                other,
                left=index == 0,
                of_two=of_two,
                rows=_rows(operand, names),
                other_rows=_rows(operands[1 - index], names),
            )
    return None


def _rows(node: ast.expr, names: dict[str, Any]) -> bool:
    """Whether `node` writes, or names, a list or tuple of rows of one length."""
    given: Sequence[Any]
    if isinstance(node, ast.List | ast.Tuple):
        given = [row.elts if isinstance(row, ast.List | ast.Tuple) else row for row in node.elts]
    elif isinstance(node, ast.Name) and isinstance(value := names.get(node.id), list | tuple):
        given = value
    else:
        return False
    rows = [row for row in given if isinstance(row, list | tuple)]
    return bool(rows) and len(rows) == len(given) and len({len(row) for row in rows}) == 1


def _kind(node: ast.expr, names: dict[str, Any]) -> str | None:
    """Which of a list and a tuple `node` writes, or names, if either; None otherwise."""
    if isinstance(node, ast.List | ast.Tuple) and node.elts:
        return "list" if isinstance(node, ast.List) else "tuple"
    if isinstance(node, ast.Name):
        value = names.get(node.id)
        if isinstance(value, list | tuple) and value:
            return "tuple" if isinstance(value, tuple) else "list"
    return None


def whole_float_hint(failing_line: str) -> str | None:
    """For a whole number written as a float on `failing_line` (`1e3`, `12.0`), where an
    integer was wanted: the integer to write. Only for a literal given as it is, as an
    argument, an index or a count of repetitions (not `24/2.0`, whose value went on), and
    only where the line has one: which of several failed is not known."""
    tree = cell_calls.parsed_line(failing_line)
    if tree is None:
        return None
    given = {
        cell_calls.segment(failing_line, node)
        for node in _given_as_they_are(tree)
        if isinstance(node, ast.Constant) and type(node.value) is float and node.value.is_integer()
    }
    wholes = {literal for literal in given if literal and _WHOLE_FLOAT.fullmatch(literal)}
    if len(wholes) != 1:
        return None
    (whole,) = wholes
    return _WRITE_THE_INTEGER.format(literal=whole, integer=int(float(whole)))


def _given_as_they_are(tree: ast.AST) -> Iterator[ast.expr]:
    """The expressions a call takes as arguments, a subscript as its index, and a sequence's
    repetition as its count."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from node.args
            yield from (keyword.value for keyword in node.keywords)
        elif isinstance(node, ast.Subscript):
            yield node.slice
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            yield from (node.left, node.right)


def list_to_solve_hint(failing_line: str) -> str | None:
    """For a Python list given to solve_right or solve_left on `failing_line`, where Sage
    failed on it without saying so (solve_left's "no attribute 'transpose'")."""
    given = _LIST_GIVEN.search(failing_line)
    return _MAKE_A_VECTOR.format(items=given[1]) if given else None


def python_number_hint(value: Any, method: str, name: str | None) -> str | None:
    """For `method`, which a Sage Integer or real number has, asked of `value`, a Python int or
    float; `name`: what the failing line calls it."""
    import sage.all
    from sage.rings.integer_ring import ZZ
    from sage.rings.real_mpfr import RR

    if type(value) is int:
        kind, ring, sage_number = "int", "ZZ", ZZ(value)
    elif type(value) is float:
        kind, ring, sage_number = "float", "RR", RR(value)
    else:
        return None
    if not callable(getattr(sage_number, method, None)):
        return None
    written = name or "..."
    function = callable(getattr(sage.all, method, None)) and not isinstance(
        getattr(sage.all, method), type
    )
    return _PYTHON_NUMBER.format(
        subject=f"{name} is" if name else "The value is",
        kind=kind,
        method=method,
        way=f"{ring}({written}).{method}()" + (f", or {method}({written})" if function else ""),
        made=_MADE[kind],
    )


def sequence_hint(kind: str, method: str, value: Any, name: str | None) -> str | None:
    """For `method`, which a Sage matrix or vector has, asked of `value`, a Python list or
    tuple or a NumPy array (`kind`, as Python's message names the type) of rows or of numbers;
    `name`: what the failing line calls it on."""
    from sage.matrix.constructor import matrix
    from sage.modules.free_module_element import vector
    from sage.rings.rational_field import QQ

    if kind == "numpy.ndarray":
        dimensions = getattr(value, "ndim", 0)
        if dimensions not in (1, 2):
            return None
        rows, what = dimensions == 2, "a NumPy array"
    elif isinstance(value, list | tuple) and value:
        rows = all(isinstance(row, list | tuple) for row in value)
        what = f"a Python {kind}" + (" of rows" if rows else "")
    else:
        return None
    name = name or (text if len(text := repr(value)) <= _MAX_WRITTEN else None)
    if name is None:
        return None
    sample = matrix(QQ, [[1]]) if rows else vector(QQ, [1])
    found = getattr(sample, method, None)
    if found is None or len(value) > _MAX_CONVERTED:
        return None
    try:  # what the hint writes must work: not for a list of equations, say
        matrix(value) if rows else vector(value)
    except Exception:
        return None
    wanted = _wants_arguments(found)
    return (_ROWS if rows else _NUMBERS).format(
        name=name,
        what=what,
        method=method,
        dots="..." if wanted else "",
        too=_TOO if wanted else "",
    )


def _wants_arguments(method: Any) -> bool:
    """Whether `method` has a parameter without a default (an unknown signature: no)."""
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        for p in parameters
    )
