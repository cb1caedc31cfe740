"""Human-readable API documentation rendered on the server from the OpenAPI schema.

Swagger UI and Redoc load scripts and fonts from CDNs and need inline script, which our
Content-Security-Policy forbids and which axe-core flags; this page shows the same schema
as plain, accessible HTML. The machine-readable schema stays at /api/schema/.
"""

from __future__ import annotations

from functools import lru_cache

from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@lru_cache(maxsize=1)
def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _fields(schema: dict, components: dict) -> list[dict]:
    if "$ref" in schema:
        schema = components.get(_ref_name(schema["$ref"]), {})
    required = set(schema.get("required", []))
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type") or (_ref_name(prop["$ref"]) if "$ref" in prop else "")
        if "allOf" in prop and prop["allOf"] and "$ref" in prop["allOf"][0]:
            kind = _ref_name(prop["allOf"][0]["$ref"])
        fields.append(
            {
                "name": name,
                "type": kind,
                "format": prop.get("format", ""),
                "required": name in required,
                "read_only": prop.get("readOnly", False),
                "description": prop.get("description", ""),
                "enum": prop.get("enum") or [],
                "max_length": prop.get("maxLength"),
            }
        )
    return fields


def _operations(schema: dict) -> list[dict]:
    components = (schema.get("components") or {}).get("schemas", {})
    operations = []
    for path, item in sorted((schema.get("paths") or {}).items()):
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = (
                ((op.get("requestBody") or {}).get("content") or {})
                .get("application/json", {})
                .get("schema")
            )
            responses = []
            for code, resp in sorted((op.get("responses") or {}).items()):
                content = (resp.get("content") or {}).get("application/json", {})
                responses.append(
                    {
                        "code": code,
                        "description": resp.get("description", ""),
                        "fields": _fields(content.get("schema", {}), components) if content else [],
                    }
                )
            operations.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tags": op.get("tags", []),
                    "parameters": op.get("parameters", []),
                    "body": _fields(body, components) if body else [],
                    "responses": responses,
                    "auth": bool(op.get("security")),
                }
            )
    return operations


def api_docs(request):
    schema = _schema()
    return render(
        request,
        "core/api_docs.html",
        {
            "info": schema.get("info", {}),
            "operations": _operations(schema),
        },
    )
