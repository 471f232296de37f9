"""Schema post-processing shared by every app's API (registered in SPECTACULAR_SETTINGS).

DRF answers 404 in JSON for a page number past the last page and for an object
that does not exist; drf-spectacular documents neither, so a schema check (and
a client generated from the schema) would take them for surprises.
"""

NOT_FOUND = {
    "description": "Not found: no such object, or a page past the last one.",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": {}}}},
}


def document_not_found(result, generator, request, public):
    """Add a 404 response to every paginated list and every operation on one object."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.get("parameters", [])
            paged = any(p.get("name") == "page" and p.get("in") == "query" for p in parameters)
            one_object = any(p.get("in") == "path" for p in parameters)
            if paged or one_object:
                operation.setdefault("responses", {}).setdefault("404", NOT_FOUND)
    return result
