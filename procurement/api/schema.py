"""OpenAPI description of the HIS token authentication (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class HisTokenScheme(OpenApiAuthenticationExtension):
    target_class = "procurement.api.authentication.HisTokenAuthentication"
    name = "HisToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token his_…`: a key issued to one hospital by its administrator (HIS API keys page).",
        }


ERRORS_SCHEMA = {
    "type": "object",
    "description": "Every error of the API (issue 11 #10): one or more problems, each naming the field and the rule.",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "rule", "code", "message", "params"],
                "properties": {
                    "field": {"type": "string", "nullable": True, "description": "The field or header at fault."},
                    "rule": {"type": "string", "nullable": True, "description": "The rule refused, e.g. R-ORD-5."},
                    "code": {"type": "string", "description": "A stable code, e.g. required, not_found."},
                    "message": {"type": "string", "description": "What a person reads, in their language."},
                    "params": {"type": "object", "additionalProperties": True},
                },
            },
        }
    },
}
ERROR_RESPONSES = {
    "400": "The request is refused: each problem names its field (and the rule).",
    "401": "No valid HIS key or session.",
    "403": "Not allowed for this party or role.",
    "404": "No such object, or not one this party may see.",
    "409": "The object's state does not allow this now (e.g. a key reused with another body).",
    "413": "The body is over the size limit.",
    "429": "Too many requests: wait the seconds Retry-After says.",
    "500": "A fault on the platform's side; nothing was changed.",
    "503": "The database is out of reach or too slow; nothing was changed.",
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing: every operation documents the error answers it may give, all
    in the one shape (``Errors``) — so clients (and schemathesis in the suite) can rely on them."""
    result.setdefault("components", {}).setdefault("schemas", {})["Errors"] = ERRORS_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_RESPONSES.items():
                response = {"description": description, "content": reference}
                if status == "429":
                    response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
                operation["responses"].setdefault(status, response)
    return result
