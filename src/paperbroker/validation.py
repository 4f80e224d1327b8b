"""Request body validation with errors a client can act on, plugged in through Connexion's validator_map.

Connexion's JSON body validator reports a failed `oneOf` as "... is not valid under any of the given
schemas" and fails with a 500 on a body that is not UTF-8. This one names the field and the reason, and
answers 400 to any body it cannot decode.
"""

from __future__ import annotations

import json
import typing as t

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator, format_error_with_path
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator
from jsonschema import Draft4Validator, ValidationError


def _branch_title(schema: dict[str, t.Any]) -> str:
    title = str(schema.get("title", "this variant"))
    return title.removesuffix("PreOrder") + " order" if title.endswith("PreOrder") else title


def explain(error: ValidationError) -> str:
    """One sentence: which field, and why. A oneOf is explained by the branch its `type` selects."""
    if error.validator == "oneOf" and error.context:
        branches: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(int(sub.schema_path[0]), []).append(sub)
        selected = [
            index
            for index, errors in branches.items()
            if not any(list(sub.relative_path) == ["type"] for sub in errors)
        ]
        if len(selected) == 1:
            index = selected[0]
            sub = branches[index][0]
            where = _branch_title(error.schema["oneOf"][index])
            if sub.validator == "not" and sub.relative_path:
                return f"'{sub.relative_path[-1]}' is not allowed for a {where}"
            return f"{sub.message} for a {where}{format_error_with_path(sub)}"
    return f"{error.message}{format_error_with_path(error)}"


class ClearJSONRequestBodyValidator(JSONRequestBodyValidator):
    """Builds its schema validator once, decodes defensively, and explains its errors."""

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self._compiled = Draft4RequestValidator(self._schema, format_checker=Draft4Validator.FORMAT_CHECKER)

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: t.Any) -> t.Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
        try:
            return json.loads(raw.decode(self._encoding))
        except UnicodeDecodeError as error:
            raise BadRequestProblem(
                detail=f"The request body is not valid {self._encoding}: {error.reason}."
            ) from None
        except json.JSONDecodeError as error:
            raise BadRequestProblem(detail=f"The request body is not valid JSON: {error}.") from None

    def _validate(self, body: t.Any) -> dict[str, t.Any] | None:
        if not self._nullable and body is None:
            raise BadRequestProblem("Request body must not be empty")
        errors = sorted(self._compiled.iter_errors(body), key=lambda e: list(e.path))
        if errors:
            raise BadRequestProblem(detail=explain(errors[0]))
        return None


def validator_map() -> dict[str, t.Any]:
    body = MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": ClearJSONRequestBodyValidator})
    return {**VALIDATOR_MAP, "body": body}
