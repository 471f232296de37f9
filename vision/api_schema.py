"""Schema post-processing shared by every app's API (registered in SPECTACULAR_SETTINGS).

Every error under /api/ is JSON (DRF's, the login middleware's 401, the JSON 404 for
unknown paths), and the schema says which ones each operation may answer, so a schema
check (schemathesis --checks all) and a client generated from the schema expect them.
drf-spectacular documents none of them by itself.
"""

ERROR = {"type": "object", "additionalProperties": {}}


def _response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


NOT_FOUND = _response("Not found: no such object, a page past the last one, or a filter naming nothing.")
BAD_REQUEST = _response("A parameter was refused; the body names each one and says why.")
UNAUTHORIZED = _response("Not signed in: no session and no valid token.")
FORBIDDEN = _response("Signed in, but not allowed to do this.")
NOT_ALLOWED = _response("The method is not allowed here.")


def document_errors(result, generator, request, public):
    """Add the JSON errors every operation may answer: 401 and 403 always, 400 for one
    with parameters, 404 for a paginated list, one object or a filter naming an object."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            if any(p.get("in") == "query" for p in parameters) or "requestBody" in operation:
                responses.setdefault("400", BAD_REQUEST)
            if parameters:
                responses.setdefault("404", NOT_FOUND)
            responses.setdefault("401", UNAUTHORIZED)
            responses.setdefault("403", FORBIDDEN)
            responses.setdefault("405", NOT_ALLOWED)
    return result


# The name the settings used before 401/403/400 were documented too.
document_not_found = document_errors
