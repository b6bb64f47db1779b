"""The tools' output schemas mean what pydantic's would, without the parts that cost validators."""

from __future__ import annotations

import json
from typing import Any, Literal

import jsonschema
import pytest
from mcp.server.mcpserver.utilities.func_metadata import StrictJsonSchema
from pydantic import BaseModel, Field, TypeAdapter
from sage_mcp.render import EvaluateOutput
from sage_mcp.tool_output import ToolOutput


class _Inner(ToolOutput):
    code: int


class _Compact(ToolOutput):
    text: str | None = Field(description="Some text.")
    kind: Literal["a", "b"] | None
    inner: _Inner | None = Field(description="A nested model.")
    many: list[_Inner]


class _AsPydanticWritesIt(BaseModel):
    class Inner(BaseModel):
        code: int

    text: str | None = Field(description="Some text.")
    kind: Literal["a", "b"] | None
    inner: Inner | None = Field(description="A nested model.")
    many: list[Inner]


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    # As the MCP SDK derives a tool's output schema from its return annotation.
    return TypeAdapter(model).json_schema(schema_generator=StrictJsonSchema)


def _accepts(schema: dict[str, Any], instance: object) -> bool:
    return bool(jsonschema.Draft202012Validator(schema).is_valid(instance))


VALID: dict[str, Any] = {"text": None, "kind": None, "inner": None, "many": []}
INSTANCES: list[dict[str, Any]] = [
    VALID,
    {"text": "x", "kind": "a", "inner": {"code": 1}, "many": [{"code": 2}]},
    {**VALID, "text": 3},
    {**VALID, "kind": "c"},
    {**VALID, "inner": "x"},
    {**VALID, "inner": {}},
    {**VALID, "inner": {"code": "1"}},
    {**VALID, "many": [{"code": None}]},
    {"text": None, "kind": None, "many": []},
]


@pytest.mark.parametrize("instance", INSTANCES, ids=json.dumps)
def test_compact_schema_accepts_exactly_what_pydantics_accepts(instance: dict[str, Any]) -> None:
    compact, original = _schema(_Compact), _schema(_AsPydanticWritesIt)
    assert _accepts(compact, instance) == _accepts(original, instance)


def test_nullable_fields_are_typed_inline_with_their_descriptions() -> None:
    schema = _schema(_Compact)
    properties = schema["properties"]
    assert properties["text"] == {"description": "Some text.", "type": ["string", "null"]}
    assert properties["kind"] == {"enum": ["a", "b", None], "type": ["string", "null"]}
    assert properties["inner"]["type"] == ["object", "null"]
    assert properties["inner"]["description"] == "A nested model."
    assert properties["inner"]["required"] == ["code"]
    assert "title" not in json.dumps(schema)
    # A list of models still refers to the one definition.
    assert properties["many"]["items"] == {"$ref": "#/$defs/_Inner"}


def test_evaluate_output_schema_has_no_alternatives_to_try() -> None:
    schema = json.dumps(_schema(EvaluateOutput))
    assert "anyOf" not in schema
    assert "$ref" not in schema
