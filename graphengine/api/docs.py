"""API docs that work offline: one HTML page rendered on the server from the app's OpenAPI document.

FastAPI's Swagger UI and ReDoc pages load their JavaScript and CSS from a CDN, which fails on machines
without internet access; they are turned off. ``GET /docs`` lists every operation with its parameters
(types, bounds, defaults), request body, responses and security (the scope a key needs) from
``/openapi.json``, with no script and no external asset.
"""

from __future__ import annotations

import html
import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
.op{margin:1.2rem 0;padding:.6rem .9rem;border-left:4px solid #888;background:#fafafa}
.get{border-color:#2a7ae2}.post{border-color:#2da44e}.delete{border-color:#cf222e}
code,.m{font-family:ui-monospace,monospace}.m{font-weight:bold;text-transform:uppercase;margin-right:.5rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
.lock{color:#9a6700}
"""


def _schema_text(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_schema_text(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_schema_text(schema.get('items', {}))}]"
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"])
    text = str(schema.get("type", "any"))
    bounds = [f"{k} {schema[k]}" for k in ("minimum", "maximum", "minLength", "maxLength", "pattern") if k in schema]
    return text + (f" ({', '.join(bounds)})" if bounds else "")


def _parameters(op: dict[str, Any]) -> str:
    params = op.get("parameters", [])
    if not params:
        return ""
    rows = "".join(
        f"<tr><td><code>{html.escape(p['name'])}</code></td><td>{p['in']}</td>"
        f"<td>{html.escape(_schema_text(p.get('schema', {})))}</td>"
        f"<td>{'required' if p.get('required') else html.escape(json.dumps(p.get('schema', {}).get('default')))}</td>"
        f"<td>{html.escape(p.get('description') or p.get('schema', {}).get('description', ''))}</td></tr>"
        for p in params
    )
    return f"<table><tr><th>parameter</th><th>in</th><th>type</th><th>default</th><th></th></tr>{rows}</table>"


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    scope = "write" if method != "get" else "read"
    secured = f" <span class=lock>🔒 X-API-Key ({scope})</span>" if op.get("security") else ""
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    responses = ", ".join(
        f"{code} {html.escape(_schema_text(r.get('content', {}).get('application/json', {}).get('schema', {})))}"
        if r.get("content")
        else str(code)
        for code, r in op.get("responses", {}).items()
    )
    return (
        f"<div class='op {method}'><div><span class=m>{method}</span><code>{html.escape(path)}</code>{secured}</div>"
        f"<p>{html.escape(op.get('description') or op.get('summary', ''))}</p>"
        f"{_parameters(op)}"
        + (f"<p>body: <code>{html.escape(_schema_text(body))}</code></p>" if body else "")
        + f"<p>responses: <code>{responses}</code></p></div>"
    )


def _models(spec: dict[str, Any]) -> str:
    out = []
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        rows = "".join(
            f"<tr><td><code>{html.escape(field)}</code>{'' if field in required else '?'}</td>"
            f"<td>{html.escape(_schema_text(sub))}</td><td>{html.escape(sub.get('description', ''))}</td></tr>"
            for field, sub in schema.get("properties", {}).items()
        )
        out.append(f"<h3 id='{html.escape(name)}'>{html.escape(name)}</h3><table>{rows}</table>")
    return "<h2>models</h2>" + "".join(out) if out else ""


def render_docs(spec: dict[str, Any]) -> str:
    info = spec.get("info", {})
    by_tag: dict[str, list[str]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            tag = (op.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append(_operation(path, method, op))
    sections = "".join(f"<h2>{html.escape(tag)}</h2>{''.join(ops)}" for tag, ops in by_tag.items())
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(info.get('title', 'API'))}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(info.get('title', ''))} "
        f"<small>{html.escape(info.get('version', ''))}</small></h1>"
        f"<p>{html.escape(info.get('description', ''))}</p>"
        "<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a>. Every error has the shape "
        '<code>{"error": {"code", "message", "details"}}</code>.</p>'
        f"{sections}{_models(spec)}</body></html>"
    )


def install_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        return HTMLResponse(render_docs(request.app.openapi()))


__all__ = ["install_docs", "render_docs"]
