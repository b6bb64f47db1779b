"""The notes a cell that ran gets on stderr, where its answer only looks right.

Nothing fails in these cells, and the value reads as an answer: a precision Sage took as bits
(`precision`), an equation or an inequality solve gave back, one period's solutions, real ones
written with I or complex ones without it, a domain= Maxima ignores, an earlier cell's
assumption solve applied, a solution written backwards (`e == x`), or one that makes a
denominator zero, [] for a variable the equation lacks (`solutions`), an integral or a limit
given back, or a limit of `ind` (`unevaluated`), a roots() pair, or a list of two numbers, N
made a complex number, or one multiplied by an integer, which repeats it (`pairs`), a number
where diff, taylor, limit, plot or numerical_integral wanted a variable, or taylor's in quotes
or left out (`bound_variables`), an `if` on a symbolic variable decided once for all its values
(`decisions`), the rank or inverse of a floating-point matrix singular to working precision
(`numerical_rank`), the echelon form of an integer matrix, which is Hermite's, or its
is_invertible(), which asks for an integer inverse (`matrix_rings`), a polynomial's roots() or
an ideal's variety() that left out those outside its ring (`rational_roots`, and, once,
factor()'s, over the rationals too), a plot whose range its poles set (`poles`), a plot left
empty by a range that runs backwards (`empty_plots`), a complex number whose imaginary part is
rounding error (`imaginary_rounding`), a plot saved to a file the caller cannot open, and not
shown, or made in a loop and not shown, or printed (`unshown_plots`), SymPy's Rational(1, 3),
which Sage reads as 1 in base 3 (`rational_base`), numerical_integral's value where its error
estimate is a sizeable part of it (`integral_error`), a closed form of a definite integral
whose value is not the integral's, computed numerically, or whose terms cancel in floating
point (`closed_forms`), n() of an expression whose terms cancel, which shows rounding error for
digits (`cancellation`), a plot given matplotlib's label=, which draws no legend
(`plot_options`), one zero find_root gave of a function that has several in the interval
(`several_zeros`), a solution desolve gave implicitly, as an equation in y(x)
(`ode_solutions`), a product to infinity its partial products contradict, or a sum to infinity
given back unevaluated, with its partial sums (`to_infinity`), == answering False for
floating-point numbers that differ by rounding (`float_equality`), float() or RDF() of an exact
number a double cannot hold, which is inf or 0.0 where Python's raises (`float_overflow`),
NumPy's fixed-size integers wrapped around in an answer (`integer_overflow`), an operation on a
high-precision number and a double-precision one, whose answer has the lower precision
(`mixed_precision`), one of Sage's methods tested uncalled in a condition, as SymPy's
properties are (`if e.is_zero:`), which always holds (`method_conditions`), SymPy's series
given Sage's variable, for which the expression is a constant (`sympy_objects`), solve(...,
algorithm='sympy') of an inequality, whose interval Sage's conversion of SymPy's answer got
wrong (`sympy_inequalities`), a function of integers given a floating-point number, as
divisors(1e6) (`inexact_integers`), a substitution of variables the expression has none of,
which gives it back (`substitutions`), values computed on lines before the cell's last, which
only that line's is shown (`unshown_values`), e or I given another value, which later cells
take for the constant (`rebound_constants`, once for each), or i written as the unit after a
loop made it a number, an iterator shown as `<map object at 0x...>`, which shows none of its
items (`iterators`), a graph's distance counted in edges though they have weights, or a graph
of an integer matrix, whose entries it reads as numbers of edges (`weighted_graphs`), one
solution solve_right gave of a system with infinitely many (`linear_systems`), a rational's //
or %, or a floating-point number's %, which are not Python's (`remainders`), sqrt() or floor()
of a matrix, which wraps it in an expression (`matrix_functions`), max(), min() or sorted() of
solve's equations, which keep solve's order, and their sum(), which adds them side by side
(`equation_lists`), int(), floor() or ceil() of a floating-point number an integer but for a
rounding error, which gives the integer next to it (`truncated_floats`), a power of 1 divided
by a number, 8^1/3, where a root was meant (`fractional_powers`), a float that / made of two of
Python's ints, `len(a) / len(b)` (`python_division`), a symbolic function called with more
values than its arguments, whose extra ones Sage ignores (`extra_arguments`), diff(f, [x, y]),
one mixed partial derivative where a gradient was meant (`mixed_partials`). Each check has a
pattern, searched only in a cell that has one of the strings every match of it has
(`pattern_literals` reads them from the pattern); a cell one of them finds is parsed once for
all. And, once in a session, that Sage's simplify does little, and expand leaves functions of
sums and multiples (`simplification`), that gram_schmidt() orthogonalizes rows and does not
normalize (`orthogonalization`), that digits() lists the least significant digit first
(`digit_order`), that Sage's std() and variance() are the sample's, unlike NumPy's
(`sample_statistics`), that a polynomial's coefficients() leaves out its zeros
(`sparse_coefficients`), that a number added to a square matrix goes on its diagonal
(`matrix_scalars`), that * of two vectors is their dot product (`vector_products`) and a
vector's length() its number of entries (`vector_lengths`), that Sage multiplies permutations
left to right (`permutation_products`), that mod(a, n) is a residue, whose arithmetic stays
modulo n (`residues`), that a matrix's kernel(), nullity() and image() are of its rows
(`matrix_sides`), that its condition() is in the Frobenius norm and its norm() the 2-norm, each
the other of NumPy's (`condition_numbers`), that a number's norm() is not its absolute value
(`number_norms`), that canonicalize_radical() chose the branch of each root for positive
variables, where its answer is not the expression's (`radical_branches`), that SVD() gives V
where NumPy's svd gives its transpose (`decompositions`), that sum(), max() and min() of a
matrix go through its rows (`matrix_rows`), that ^ is a power where code reads as Python's
exclusive or (`exclusive_or`), that Sage's numbers are not Python's int and float to isinstance
(`type_checks`), that sin, cos and tan take radians, where a cell gives them a common angle's
degrees (`radians`), that a comparison of symbolic expressions is shown, not decided, and that
bool()'s False of one in variables may mean unproven (`relations`), what a number shown with a
trailing `?` is (`algebraic`), what z1 and r1 in solve's answers stand for (`solutions`), and
_C, _K1 in desolve's (`ode_solutions`), that variables are complex, where an answer has
conjugate(x) (`complex_variables`), that (-1)^(1/3) is a complex root (`odd_roots`), what a NaN
means (`not_a_number`), that a lazy list shows its first items only (`lazy_lists`), and that
sqrt() of a non-square modulo n made a root in a larger ring (`modular_roots`). A check looks
at the cell's own code and values, which may raise anything: one that fails says nothing, and
the cell's outcome stands. Counterpart: `executor`, which runs the cell and shows its value.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from sage_sidecar import (
    algebraic,
    bound_variables,
    cancellation,
    closed_forms,
    complex_variables,
    condition_numbers,
    decisions,
    decompositions,
    digit_order,
    empty_plots,
    equation_lists,
    exclusive_or,
    extra_arguments,
    float_equality,
    float_overflow,
    fractional_powers,
    imaginary_rounding,
    inexact_integers,
    integer_overflow,
    integral_error,
    iterators,
    lazy_lists,
    linear_systems,
    matrix_functions,
    matrix_rings,
    matrix_rows,
    matrix_scalars,
    matrix_sides,
    method_conditions,
    mixed_partials,
    mixed_precision,
    modular_roots,
    not_a_number,
    number_norms,
    numerical_rank,
    odd_roots,
    ode_solutions,
    orthogonalization,
    pairs,
    pattern_literals,
    permutation_products,
    plot_options,
    poles,
    precision,
    python_division,
    radians,
    radical_branches,
    rational_base,
    rational_roots,
    rebound_constants,
    relations,
    remainders,
    residues,
    sample_statistics,
    several_zeros,
    simplification,
    solutions,
    sparse_coefficients,
    substitutions,
    sympy_inequalities,
    sympy_objects,
    to_infinity,
    truncated_floats,
    type_checks,
    unevaluated,
    unshown_plots,
    unshown_values,
    vector_lengths,
    vector_products,
    weighted_graphs,
)

_Note = Callable[[ast.Module, Any, dict[str, Any]], str | None]
_DisplayNote = Callable[[Any, str], str | None]


def _union(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that finds what any of `patterns` finds: none has flags, groups that
    matter, or back references. Each is tried once, though several notes share it."""
    sources = dict.fromkeys(pattern.pattern for pattern in patterns)
    return re.compile("|".join(f"(?:{source})" for source in sources))


_CHECKS: tuple[tuple[re.Pattern[str], _Note], ...] = (
    (precision.CANDIDATE, precision.note),
    (solutions.CANDIDATE, solutions.note),
    (solutions.CANDIDATE, solutions.parameters_note),
    (solutions.CANDIDATE, solutions.assumptions_note),
    (unevaluated.CANDIDATE, unevaluated.note),
    (pairs.CANDIDATE, pairs.note),
    (pairs.REPETITION_CANDIDATE, pairs.repetition_note),
    (bound_variables.CANDIDATE, bound_variables.note),
    (decisions.CANDIDATE, decisions.note),
    (decisions.CONDITIONAL_CANDIDATE, decisions.conditional_note),
    (numerical_rank.CANDIDATE, numerical_rank.note),
    (matrix_rings.CANDIDATE, matrix_rings.note),
    (matrix_rings.INVERTIBLE_CANDIDATE, matrix_rings.invertible_note),
    (rational_roots.CANDIDATE, rational_roots.note),
    (rational_roots.VARIETY_CANDIDATE, rational_roots.variety_note),
    (rational_roots.FACTOR_CANDIDATE, rational_roots.factor_note),
    (poles.CANDIDATE, poles.note),
    (empty_plots.CANDIDATE, empty_plots.note),
    (unshown_plots.SAVED_CANDIDATE, unshown_plots.saved_note),
    (unshown_plots.LOOP_CANDIDATE, unshown_plots.loop_note),
    (unshown_plots.PRINTED_CANDIDATE, unshown_plots.printed_note),
    (rational_base.CANDIDATE, rational_base.note),
    (integral_error.CANDIDATE, integral_error.note),
    (closed_forms.CANDIDATE, closed_forms.note),
    (several_zeros.CANDIDATE, several_zeros.note),
    (ode_solutions.CANDIDATE, ode_solutions.note),
    (ode_solutions.CANDIDATE, ode_solutions.constants_note),
    (to_infinity.CANDIDATE, to_infinity.product_note),
    (to_infinity.SUM_CANDIDATE, to_infinity.sum_note),
    (plot_options.CANDIDATE, plot_options.note),
    (simplification.CANDIDATE, simplification.note),
    (simplification.EXPANSION_CANDIDATE, simplification.expansion_note),
    (relations.CANDIDATE, relations.note),
    (relations.UNDECIDED_CANDIDATE, relations.undecided_note),
    (float_equality.CANDIDATE, float_equality.note),
    (rebound_constants.CANDIDATE, rebound_constants.note),
    (rebound_constants.IMAGINARY_CANDIDATE, rebound_constants.imaginary_note),
    (inexact_integers.CANDIDATE, inexact_integers.note),
    (substitutions.CANDIDATE, substitutions.note),
    (unshown_values.CANDIDATE, unshown_values.note),
    (orthogonalization.CANDIDATE, orthogonalization.note),
    (weighted_graphs.CANDIDATE, weighted_graphs.note),
    (weighted_graphs.ADJACENCY_CANDIDATE, weighted_graphs.adjacency_note),
    (linear_systems.CANDIDATE, linear_systems.note),
    (digit_order.CANDIDATE, digit_order.note),
    (sample_statistics.CANDIDATE, sample_statistics.note),
    (sparse_coefficients.CANDIDATE, sparse_coefficients.note),
    (matrix_scalars.CANDIDATE, matrix_scalars.note),
    (remainders.CANDIDATE, remainders.note),
    (permutation_products.CANDIDATE, permutation_products.note),
    (matrix_functions.CANDIDATE, matrix_functions.note),
    (residues.CANDIDATE, residues.note),
    (matrix_sides.CANDIDATE, matrix_sides.kernel_note),
    (matrix_sides.CANDIDATE, matrix_sides.nullity_note),
    (matrix_sides.CANDIDATE, matrix_sides.image_note),
    (exclusive_or.CANDIDATE, exclusive_or.note),
    (radians.CANDIDATE, radians.note),
    (cancellation.CANDIDATE, cancellation.note),
    (float_overflow.CANDIDATE, float_overflow.note),
    (mixed_precision.CANDIDATE, mixed_precision.note),
    (condition_numbers.CANDIDATE, condition_numbers.note),
    (condition_numbers.NORM_CANDIDATE, condition_numbers.norm_note),
    (number_norms.CANDIDATE, number_norms.note),
    (radical_branches.CANDIDATE, radical_branches.note),
    (decompositions.CANDIDATE, decompositions.note),
    (matrix_rows.CANDIDATE, matrix_rows.note),
    (equation_lists.CANDIDATE, equation_lists.note),
    (truncated_floats.CANDIDATE, truncated_floats.note),
    (fractional_powers.CANDIDATE, fractional_powers.note),
    (python_division.CANDIDATE, python_division.note),
    (extra_arguments.CANDIDATE, extra_arguments.note),
    (mixed_partials.CANDIDATE, mixed_partials.note),
    (vector_lengths.CANDIDATE, vector_lengths.note),
    (method_conditions.CANDIDATE, method_conditions.note),
    (sympy_objects.CANDIDATE, sympy_objects.note),
    (sympy_inequalities.CANDIDATE, sympy_inequalities.note),
    (vector_products.CANDIDATE, vector_products.note),
    (type_checks.CANDIDATE, type_checks.note),
    (integer_overflow.CANDIDATE, integer_overflow.note),
)
# For each check's pattern, strings one of which a match contains (or None): looking for them
# costs a fraction of searching for the pattern, which most cells would not match.
_STRINGS = {candidate: pattern_literals.required(candidate) for candidate, _ in _CHECKS}
_ALL_STRINGS = tuple(set().union(*(strings for strings in _STRINGS.values() if strings)))
# Notes that teach what a function does or a notation means rather than warn of one value:
# once in a session is enough. Those on a shown value alone are cheap enough for every one.
_ONCE: frozenset[_Note] = frozenset(
    {
        simplification.note,
        simplification.expansion_note,
        relations.note,
        relations.undecided_note,
        orthogonalization.note,
        rational_roots.factor_note,
        digit_order.note,
        sample_statistics.note,
        sparse_coefficients.note,
        matrix_scalars.note,
        permutation_products.note,
        residues.note,
        matrix_sides.kernel_note,
        matrix_sides.nullity_note,
        matrix_sides.image_note,
        exclusive_or.note,
        radians.note,
        condition_numbers.note,
        condition_numbers.norm_note,
        number_norms.note,
        radical_branches.note,
        decompositions.note,
        matrix_rows.note,
        vector_lengths.note,
        vector_products.note,
        type_checks.note,
    }
)
_ONCE_ON_DISPLAY: tuple[tuple[re.Pattern[str], _DisplayNote], ...] = (
    (algebraic.SHOWN, algebraic.note),
    (complex_variables.SHOWN, complex_variables.note),
    (odd_roots.SHOWN, odd_roots.note),
    (not_a_number.SHOWN, not_a_number.note),
    (lazy_lists.SHOWN, lazy_lists.note),
    (modular_roots.SHOWN, modular_roots.note),
)
# And those that warn of the value shown, each time.
_ON_DISPLAY: tuple[tuple[re.Pattern[str], _DisplayNote], ...] = (
    (imaginary_rounding.SHOWN, imaginary_rounding.note),
    (iterators.SHOWN, iterators.note),
    (pairs.REPEATED_SHOWN, pairs.repeated_note),
)
# What a shown text must have for any of them, in one pattern: a short text, searched once.
_ANY_SHOWN = _union(pattern for pattern, _ in (*_ON_DISPLAY, *_ONCE_ON_DISPLAY))
_said: set[_Note | _DisplayNote] = set()


def after_run(source: str, value: Any, namespace: dict[str, Any]) -> None:
    """Print the notes for a cell that ran: its preparsed `source`, the value of its last
    expression (None if it has none, or it is silenced) and the namespace it ran in."""
    checks = _matching(source)
    if not checks:
        return
    try:
        tree = ast.parse(source)
    except SyntaxError:  # not for a cell that ran; but a note must never fail one
        return
    for note in checks:
        try:
            text = note(tree, value, namespace)
        except Exception:
            continue
        if text is not None:
            if note in _ONCE:
                _said.add(note)
            print(text, file=sys.stderr)


def _matching(source: str) -> list[_Note]:
    """The checks, not yet said where said once, whose pattern `source` matches: each pattern
    searched once, and only where one of its strings is in `source`."""
    present = {string for string in _ALL_STRINGS if string in source}
    hits = {
        candidate
        for candidate, strings in _STRINGS.items()
        if (strings is None or not strings.isdisjoint(present)) and candidate.search(source)
    }
    if not hits:
        return []
    return [note for candidate, note in _CHECKS if candidate in hits and note not in _said]


def after_display(value: Any, text: str) -> None:
    """Print the notes for the value a cell shows, as `text`: those that warn of it, and those
    that teach that its session has not had."""
    if not _ANY_SHOWN.search(text):
        return
    for _, note in (*_ON_DISPLAY, *_ONCE_ON_DISPLAY):
        if note in _said:
            continue
        try:
            said = note(value, text)
        except Exception:
            continue
        if said is not None:
            if any(note is once for _, once in _ONCE_ON_DISPLAY):
                _said.add(note)
            print(said, file=sys.stderr)
