"""A ring or field made without names for its generators gets the call with names, and Sage's
`K.<a> = ...` form; both of which work."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, last_line_of_error, value


def test_a_field_or_ring_made_without_names_gets_both_ways_to_name_them(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    for code, function, what, named, sages, bound in (
        ("NumberField(x^2 + 1)", "NumberField", "the name of its generator",
         "NumberField(x^2 + 1, 'a')", "K.<a> = NumberField(x^2 + 1)", "a"),
        ("R = PolynomialRing(GF(5), 2)", "PolynomialRing", "the names of its variables",
         "PolynomialRing(GF(5), 2, 'x, y')", "R.<x, y> = PolynomialRing(GF(5), 2)", "x, y"),
        ("FunctionField(QQ)", "FunctionField", "the name of its variable",
         "FunctionField(QQ, 't')", "K.<t> = FunctionField(QQ)", "t"),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, "TypeError") == (
            f"{function}() needs {what}, as a string: {named}; or, as Sage writes it, {sages}, "
            f"which binds {bound} in the session too."
        ), code
        # As the hint says, both ways: the same generators, bound in the second.
        made = sages.split(".<")[0]
        gens = value(stub, session, f"{named}.gens()")
        assert value(stub, session, f"{sages}\n{made}.gens()") == gens, code
        assert value(stub, session, f"({bound},) == {made}.gens()") == "True", code
