"""Says so where a graph's distances were measured in edges, or its adjacency matrix taken,
though its edges have weights, or its weights were read as numbers of edges.

`G = Graph([(0, 1, 2.5), (1, 2, 1.0), (0, 2, 10)], weighted=True)`, then
`G.shortest_path(0, 2)` is `[0, 2]` and `G.diameter()` 1: Sage's distances count edges unless
given `by_weight=True`, where NetworkX's and most texts' take the weights. The answer reads as
the weighted one; `G.adjacency_matrix()` has 1 for each edge, and the weights are in
`G.weighted_adjacency_matrix()`. And `Graph(A)` of an integer matrix, a weighted adjacency
matrix as texts write one, reads its entries as numbers of edges: a 2 makes two edges, and the
graph is a multigraph without weights. One line on stderr says so, and how to have the weights
taken. Counterpart: `notes`, which runs these checks after a cell.
"""

from __future__ import annotations

import ast
import itertools
import re
from typing import Any

from sage_sidecar import cell_calls

# The methods that measure distances along edges, each of which takes by_weight=.
_MEASURES = frozenset({
    "shortest_path", "shortest_path_length", "shortest_path_lengths", "shortest_paths",
    "shortest_path_all_pairs", "distance", "distance_all_pairs", "diameter", "radius",
    "eccentricity", "center", "periphery", "average_distance", "wiener_index",
})  # fmt: skip
# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(
    r"\.(?:shortest_path\w*|distance(?:_all_pairs)?|diameter|radius|eccentricity|center"
    r"|periphery|average_distance|wiener_index|adjacency_matrix)\("
)
# The keywords that have weights taken.
_WEIGHED = frozenset({"by_weight", "weight_function"})
# Edges looked at for a weight: a graph's labels are all of a kind, or none.
_SAMPLED = 100
_NOTE = (
    "Note: {graph}'s edges have weights, and {method}() counts edges unless given "
    "by_weight=True: {weighed} takes the weights as lengths."
)
_ADJACENCY = (
    "Note: {graph}'s edges have weights, and adjacency_matrix() has an entry for each edge, "
    "whatever its weight: {graph}.weighted_adjacency_matrix() has the weights."
)
# A graph made of a matrix: `Graph(A)`, `DiGraph(A)`.
ADJACENCY_CANDIDATE = re.compile(r"\b(?:Di)?Graph\(")
# What says how to read the matrix: then the cell chose.
_READ_AS = frozenset({"format", "weighted"})
_MULTIPLICITIES = (
    "Note: {call} reads {matrix}'s entries as numbers of edges, as Sage does for a matrix of "
    "integers: its {counts} made a multigraph{size}, with no weights. With the "
    "entries as the edges' weights: {weighted}, and by_weight=True where a distance is "
    "measured."
)
_MAX_COUNTS = 3
# The multigraph is made again to count its edges only up to this many.
_MAX_EDGES = 10_000


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell measured a distance of a graph whose edges have numbers for
    labels, and did not have the weights taken, or asked for its adjacency matrix."""
    for call in cell_calls.own_calls(tree):
        function = call.func
        if (
            isinstance(function, ast.Attribute)
            and function.attr == "adjacency_matrix"
            and _weighted(cell_calls.evaluated(function.value, namespace))
        ):
            return _ADJACENCY.format(graph=cell_calls.as_written(function.value))
        if (
            not isinstance(function, ast.Attribute)
            or function.attr not in _MEASURES
            or any(keyword.arg in _WEIGHED for keyword in call.keywords)
        ):
            continue
        if _weighted(cell_calls.evaluated(function.value, namespace)):
            weighed = ast.Call(
                function, call.args, [*call.keywords, ast.keyword("by_weight", ast.Constant(True))]
            )
            return _NOTE.format(
                graph=cell_calls.as_written(function.value),
                method=function.attr,
                weighed=cell_calls.as_written(weighed),
            )
    return None


def _weighted(graph: Any) -> bool:
    """Whether `graph` is a Sage graph whose edges' labels are numbers."""
    from sage.graphs.generic_graph import GenericGraph
    from sage.structure.element import RingElement

    if not isinstance(graph, GenericGraph):
        return False
    labels = (label for _, _, label in graph.edge_iterator())
    return any(
        isinstance(label, int | float | RingElement) and not isinstance(label, bool)
        for label in itertools.islice(labels, _SAMPLED)
    )


def adjacency_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a graph the cell made of an integer matrix with entries other than 0
    and 1, without saying how to read them."""
    from sage.graphs.digraph import DiGraph
    from sage.graphs.graph import Graph
    from sage.rings.integer_ring import ZZ
    from sage.structure.element import Matrix

    for call in cell_calls.own_calls(tree):
        maker = call.func
        if not (
            isinstance(maker, ast.Name)
            and namespace.get(maker.id) in (Graph, DiGraph)
            and len(call.args) == 1
            and not any(keyword.arg in _READ_AS for keyword in call.keywords)
        ):
            continue
        matrix = cell_calls.evaluated(call.args[0], namespace)
        if not isinstance(matrix, Matrix) or matrix.base_ring() is not ZZ:
            continue
        counts = sorted({entry for entry in matrix.list() if entry not in (0, 1)})
        if not counts or min(counts) < 0:
            continue
        weighted = ast.Call(
            maker, call.args, [*call.keywords, ast.keyword("weighted", ast.Constant(True))]
        )
        shown = [str(count) for count in counts[:_MAX_COUNTS]]
        return _MULTIPLICITIES.format(
            call=cell_calls.as_written(call),
            matrix=cell_calls.as_written(call.args[0]),
            counts=" and ".join(shown) if len(counts) <= _MAX_COUNTS else ", ".join(shown) + "...",
            size=_size(namespace[maker.id], matrix),
            weighted=cell_calls.as_written(weighted),
        )
    return None


def _size(maker: Any, matrix: Any) -> str:
    """` of n edges`, for the multigraph `maker` (Graph or DiGraph) makes of `matrix`, where
    it has few enough to make again."""
    if sum(abs(entry) for entry in matrix.list()) > _MAX_EDGES:
        return ""
    return f" of {maker(matrix).size()} edges"
