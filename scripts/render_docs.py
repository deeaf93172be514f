"""Render the bundled OpenAPI document as one static HTML page: the API reference.

    render_docs.py BUNDLE_JSON OUTPUT_HTML [--links NAME=FILE ...]

Everything is in the page when it opens: every operation with its request body and every reply
(both envelopes of the HTTP 200 reply, their fields and examples), the introduction (signing,
rate limits, compatibility), the error codes and every schema. No script, no stylesheet or font
from elsewhere, no image: it makes no request at all, so it reads the same from a web server,
from `file://` and offline. Links are in-page anchors (`#op-placeTrailingOrder`,
`#schema-ErrorReply`, ...) or files published beside it (`--links`).

Descriptions are CommonMark (markdown-it-py, pinned in pyproject.toml), rendered without raw HTML.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

SCHEMA_REF = "#/components/schemas/"
MAX_DEPTH = 6

CSS = """
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); display: grid; grid-template-columns: 17rem 1fr; }
nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; padding: 1rem;
  border-right: 1px solid var(--line); background: var(--soft); font-size: 13px; }
nav ul { list-style: none; padding-left: 0.8rem; margin: 0.2rem 0; }
nav > ul { padding-left: 0; }
nav a { color: var(--ink); text-decoration: none; overflow-wrap: anywhere; }
nav a:hover { color: var(--accent); text-decoration: underline; }
main { padding: 1.5rem 2.5rem 4rem; max-width: 78rem; min-width: 0; }
a { color: var(--accent); }
h1 { margin-top: 0; } h2 { border-bottom: 1px solid var(--line); padding-bottom: 0.2rem;
  margin-top: 2.5rem; } h3 { margin-top: 2rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 13px; }
code { background: var(--soft); padding: 0 0.25rem; border-radius: 3px; }
pre { background: var(--soft); border: 1px solid var(--line); padding: 0.7rem; overflow-x: auto;
  border-radius: 4px; } pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; width: 100%; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; } th { background: var(--soft); }
td p { margin: 0; }
.operation { border: 1px solid var(--line); border-radius: 6px; padding: 0 1.2rem 1rem;
  margin: 1.5rem 0; }
.method { display: inline-block; background: #1a7f37; color: #fff; border-radius: 3px;
  padding: 0 0.4rem; font-weight: 600; font-size: 12px; margin-right: 0.4rem; }
.meta { color: var(--muted); font-size: 13px; }
.envelope { border-left: 4px solid var(--line); padding-left: 0.9rem; margin: 0.8rem 0; }
.envelope.ok { border-color: #1a7f37; } .envelope.error { border-color: #cf222e; }
.closed { color: #8250df; } .open { color: #9a6700; }
.indent { color: var(--muted); }
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def heading_open(renderer: Any, tokens: list[Token], index: int, options: Any, env: Any) -> str:
        inline = tokens[index + 1]
        tokens[index].attrSet("id", f"{env.get('prefix', '')}{_slug(inline.content)}")
        rendered: str = renderer.renderToken(tokens, index, options, env)
        return rendered

    md.add_render_rule("heading_open", heading_open)
    return md


class Page:
    """Builds the HTML of one document."""

    def __init__(self, doc: dict[str, Any], links: dict[str, str]) -> None:
        self.doc = doc
        self.links = links
        self.md = _markdown()
        self.schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})

    # -- helpers -------------------------------------------------------------------------------

    def markdown(self, text: str | None, *, prefix: str = "", shift: int = 0) -> str:
        if not text:
            return ""
        # Shift headings down (a description's "## Signing" sits under the page's h1/h2).
        if shift:
            text = re.sub(
                r"^(#{1,6}) ",
                lambda m: "#" * min(6, len(m.group(1)) + shift) + " ",
                text,
                flags=re.M,
            )
        rendered: str = self.md.render(text, {"prefix": prefix})
        return rendered

    def inline(self, text: str | None) -> str:
        if not text:
            return ""
        rendered: str = self.md.renderInline(" ".join(text.split()))
        return rendered

    @staticmethod
    def ref_name(node: dict[str, Any]) -> str | None:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
            return ref.removeprefix(SCHEMA_REF)
        return None

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        name = self.ref_name(node)
        if name is not None:
            resolved: dict[str, Any] = self.schemas[name]
            return resolved
        return node

    def schema_link(self, name: str) -> str:
        return f'<a href="#schema-{html.escape(name)}"><code>{html.escape(name)}</code></a>'

    def type_of(self, node: dict[str, Any]) -> str:
        """A short, linked description of a schema's type."""
        name = self.ref_name(node)
        schema = self.resolve(node)
        if "oneOf" in schema or "anyOf" in schema:
            members = schema.get("oneOf", schema.get("anyOf", []))
            label = " | ".join(self.type_of(member) for member in members)
        elif schema.get("type") == "array":
            label = f"array of {self.type_of(schema.get('items', {}))}"
        else:
            label = html.escape(str(schema.get("type", "any")))
            if "format" in schema:
                label += f" ({html.escape(schema['format'])})"
        if name is not None and schema.get("type") != "array":
            label = (
                f"{self.schema_link(name)} ({label})"
                if "enum" in schema
                else self.schema_link(name)
            )
        if schema.get("nullable"):
            label += ", nullable"
        return label

    def rules(self, node: dict[str, Any]) -> str:
        """Values and limits: closed enums, open known values, patterns, bounds."""
        schema = self.resolve(node)
        parts = []
        if "enum" in schema:
            values = ", ".join(f"<code>{html.escape(json.dumps(v))}</code>" for v in schema["enum"])
            parts.append(f'<span class="closed">closed:</span> {values}')
        if "x-known-values" in schema:
            known = ", ".join(
                f"<code>{html.escape(json.dumps(v))}</code>" for v in schema["x-known-values"]
            )
            parts.append(f'<span class="open">open set, known:</span> {known}')
        if "pattern" in schema:
            parts.append(f"pattern <code>{html.escape(schema['pattern'])}</code>")
        for key, sign in (("minimum", "≥"), ("maximum", "≤")):
            if key in schema:
                exclusive = schema.get(f"exclusive{key[0].upper()}{key[1:]}")
                strict = {"≥": ">", "≤": "<"}[sign] if exclusive else sign
                parts.append(f"{strict} {html.escape(str(schema[key]))}")
        for key, label in (("minLength", "min length"), ("maxLength", "max length")):
            if key in schema:
                parts.append(f"{label} {schema[key]}")
        if "default" in schema:
            parts.append(f"default <code>{html.escape(json.dumps(schema['default']))}</code>")
        return "; ".join(parts)

    def description_of(self, node: dict[str, Any]) -> str:
        own = node.get("description")
        return self.inline(own if own else self.resolve(node).get("description"))

    # -- field tables --------------------------------------------------------------------------

    def rows(self, node: dict[str, Any], path: str, depth: int) -> Iterator[str]:
        """One row per field, nested objects and arrays of objects expanded under their field."""
        schema = self.resolve(node)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            field_path = f"{path}{name}"
            indent = '<span class="indent">' + html.escape(path) + "</span>" if path else ""
            yield (
                "<tr>"
                f"<td>{indent}<code>{html.escape(name)}</code></td>"
                f"<td>{self.type_of(prop)}</td>"
                f"<td>{'yes' if name in required else 'no'}</td>"
                f"<td>{self.rules(prop)}</td>"
                f"<td>{self.description_of(prop)}</td>"
                "</tr>"
            )
            target = self.resolve(prop)
            if target.get("type") == "array":
                target, field_path = self.resolve(target.get("items", {})), f"{field_path}[]"
            if target.get("properties") and depth < MAX_DEPTH:
                yield from self.rows(target, f"{field_path}.", depth + 1)

    def field_table(self, node: dict[str, Any]) -> str:
        body = "".join(self.rows(node, "", 0))
        if not body:
            return '<p class="meta">No fields.</p>'
        return (
            "<table><thead><tr><th>Field</th><th>Type</th><th>Required</th>"
            "<th>Values and limits</th><th>Description</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )

    def extra_note(self, node: dict[str, Any]) -> str:
        if self.resolve(node).get("additionalProperties") is True:
            return '<p class="meta">Unknown fields may appear: ignore them.</p>'
        return ""

    # -- sections ------------------------------------------------------------------------------

    def examples(self, media: dict[str, Any]) -> str:
        out = []
        for name, example in media.get("examples", {}).items():
            summary = html.escape(example.get("summary", name))
            value = html.escape(json.dumps(example.get("value"), indent=2, ensure_ascii=False))
            out.append(
                f"<p><strong>Example</strong> <code>{html.escape(name)}</code>: {summary}</p>"
            )
            out.append(f"<pre><code>{value}</code></pre>")
        return "".join(out)

    def status_value(self, member: dict[str, Any]) -> str:
        """The `status` an envelope branch carries: its one-value enum (`ok` or `error`)."""
        status = self.resolve(self.resolve(member).get("properties", {}).get("status", {}))
        values = status.get("enum", [])
        return str(values[0]) if len(values) == 1 else ""

    def envelope(self, node: dict[str, Any]) -> str:
        schema = self.resolve(node)
        members = schema.get("oneOf")
        if not members:
            return self.field_table(node) + self.extra_note(node)
        parts = []
        if self.ref_name(node):
            parts.append(
                f"<p>Schema {self.schema_link(self.ref_name(node) or '')}: one of the envelopes "
                "below, told apart by <code>status</code>.</p>"
            )
        for member in members:
            name = self.ref_name(member) or "inline"
            value = self.status_value(member)
            kind = "ok" if value == "ok" else "error" if value == "error" else ""
            parts.append(
                f'<div class="envelope {kind}"><h5><code>status: {html.escape(value)}</code> '
                f"{self.schema_link(name)}</h5>"
                f"{self.inline(self.resolve(member).get('description'))}"
                f"{self.field_table(member)}{self.extra_note(member)}</div>"
            )
        return "".join(parts)

    def component(self, node: dict[str, Any]) -> dict[str, Any]:
        """A response, header, parameter... with its `$ref` (`#/components/<kind>/<name>`)
        followed, so that a shared 429 reply or `ratelimit-*` header reads as if written inline."""
        for _ in range(MAX_DEPTH):
            ref = node.get("$ref")
            if not isinstance(ref, str) or not ref.startswith("#/components/"):
                return node
            kind, _, name = ref.removeprefix("#/components/").partition("/")
            target = self.doc.get("components", {}).get(kind, {}).get(name)
            if not isinstance(target, dict):
                return node
            node = target
        return node

    def operation(self, path: str, method: str, op: dict[str, Any]) -> str:
        op_id = op.get("operationId", f"{method}-{path}")
        anchor = f"op-{op_id}"
        out = [
            f'<section class="operation" id="{html.escape(anchor)}">',
            f"<h3>{html.escape(op.get('summary', op_id))}</h3>",
            f'<p><span class="method">{method.upper()}</span><code>{html.escape(path)}</code> '
            f'<span class="meta">operationId <code>{html.escape(op_id)}</code></span></p>',
            self.markdown(op.get("description"), prefix=f"{anchor}-", shift=3),
        ]
        limit = op.get("x-rate-limit")
        if limit:
            text = self.limit_text(limit)
            out.append(f"<p><strong>Rate limit</strong> (<code>x-rate-limit</code>): {text}</p>")
        body = op.get("requestBody")
        if body:
            out.append("<h4>Request body</h4>")
            for media_type, media in body.get("content", {}).items():
                schema = media.get("schema", {})
                name = self.ref_name(schema)
                label = f" {self.schema_link(name)}" if name else ""
                required = "required" if body.get("required") else "optional"
                out.append(f"<p><code>{html.escape(media_type)}</code>{label}, {required}.</p>")
                out.append(self.field_table(schema))
                out.append(self.examples(media))
        out.append("<h4>Responses</h4>")
        for status, reply_node in op.get("responses", {}).items():
            reply = self.component(reply_node)
            out.append(f"<h5>HTTP {html.escape(str(status))}</h5>")
            out.append(self.markdown(reply.get("description")))
            headers = {name: self.component(h) for name, h in reply.get("headers", {}).items()}
            if headers:
                rows = "".join(
                    f"<tr><td><code>{html.escape(name)}</code></td>"
                    f"<td>{self.type_of(h.get('schema', {}))}</td>"
                    f"<td>{self.inline(h.get('description'))}</td></tr>"
                    for name, h in headers.items()
                )
                out.append(
                    "<table><thead><tr><th>Header</th><th>Type</th><th>Description</th></tr></thead>"
                    f"<tbody>{rows}</tbody></table>"
                )
            for media_type, media in reply.get("content", {}).items():
                out.append(f"<p><code>{html.escape(media_type)}</code></p>")
                out.append(self.envelope(media.get("schema", {})))
                out.append(self.examples(media))
        out.append("</section>")
        return "".join(out)

    @staticmethod
    def limit_text(limit: dict[str, Any]) -> str:
        parts = []
        if "requests" in limit:
            parts.append(f"{limit['requests']} requests per {limit.get('interval-ms', '?')} ms")
        if "scope" in limit:
            parts.append(html.escape(str(limit["scope"])))
        if "pool" in limit:
            pool = html.escape(str(limit["pool"]))
            parts.append(f'counts against the <a href="#rate-limit-pools">{pool} pool</a>')
        return "; ".join(parts)

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        found = []
        for path, item in self.doc.get("paths", {}).items():
            for method, op in item.items():
                if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                    found.append((path, method, op))
        return found

    def render(self) -> str:
        info = self.doc.get("info", {})
        title = f"{info.get('title', 'API')} {info.get('version', '')}".strip()
        ops = self.operations()
        nav_ops = "".join(
            f'<li><a href="#op-{html.escape(op.get("operationId", ""))}">'
            f"{html.escape(op.get('summary', path))}</a></li>"
            for path, _, op in ops
        )
        nav_schemas = "".join(
            f'<li><a href="#schema-{html.escape(name)}">{html.escape(name)}</a></li>'
            for name in self.schemas
        )
        intro_sections = re.findall(r"^## (.+)$", info.get("description", ""), flags=re.M)
        nav_intro = "".join(
            f'<li><a href="#intro-{_slug(heading)}">{html.escape(heading)}</a></li>'
            for heading in intro_sections
        )
        downloads = " · ".join(
            f'<a href="{html.escape(file)}">{html.escape(label)}</a>'
            for label, file in self.links.items()
        )
        body = [
            f"<h1>{html.escape(title)}</h1>",
            f"<p class='meta'>OpenAPI {html.escape(str(self.doc.get('openapi', '')))}. "
            f"{downloads}</p>",
            '<section id="introduction">',
            self.markdown(info.get("description"), prefix="intro-", shift=0),
            "</section>",
            self.servers(),
            self.security(),
            self.rate_limits(ops),
            self.error_codes(),
            '<section id="operations"><h2>Operations</h2>',
        ]
        for tag in self.doc.get("tags", []):
            text = self.inline(tag.get("description"))
            body.append(f"<p><strong>{html.escape(tag['name'])}</strong>: {text}</p>")
        body += [self.operation(path, method, op) for path, method, op in ops]
        body.append("</section>")
        body.append(self.schema_section())
        nav = (
            f'<nav aria-label="Contents"><p><strong>{html.escape(title)}</strong></p><ul>'
            f'<li><a href="#introduction">Introduction</a><ul>{nav_intro}</ul></li>'
            '<li><a href="#servers">Servers</a></li><li><a href="#security">Security</a></li>'
            '<li><a href="#rate-limit-pools">Rate limits</a></li>'
            '<li><a href="#error-codes">Error codes</a></li>'
            f'<li><a href="#operations">Operations</a><ul>{nav_ops}</ul></li>'
            f'<li><a href="#schemas">Schemas</a><ul>{nav_schemas}</ul></li></ul></nav>'
        )
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            # An empty icon: the browser asks for no favicon.
            '<link rel="icon" href="data:,">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
            f"<body>{nav}<main>{''.join(body)}</main></body></html>\n"
        )

    def servers(self) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(s.get('url', ''))}</code></td>"
            f"<td>{self.inline(s.get('description'))}</td></tr>"
            for s in self.doc.get("servers", [])
        )
        return (
            '<section id="servers"><h2>Servers</h2><table><thead><tr><th>URL</th>'
            f"<th>Description</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )

    def security(self) -> str:
        schemes = self.doc.get("components", {}).get("securitySchemes", {})
        rows = "".join(
            f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(s.get('type', ''))}, "
            f"in {html.escape(s.get('in', ''))} as "
            f"<code>{html.escape(s.get('name', ''))}</code></td>"
            f"<td>{self.inline(s.get('description'))}</td></tr>"
            for name, s in schemes.items()
        )
        required = " + ".join(
            " and ".join(f"<code>{html.escape(name)}</code>" for name in requirement)
            for requirement in self.doc.get("security", [])
        )
        return (
            '<section id="security"><h2>Security</h2>'
            f"<p>Every operation requires {required}: HTX Signature Version 2, computed as "
            '<a href="#intro-signing">Signing</a> explains (with a '
            '<a href="#intro-worked-example">worked example</a>).</p>'
            "<table><thead><tr><th>Scheme</th><th>Where</th><th>Description</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>"
        )

    def rate_limits(self, ops: list[tuple[str, str, dict[str, Any]]]) -> str:
        pools = self.doc.get("x-rate-limit-pools", {})
        pool_rows = "".join(
            f"<tr><td><code>{html.escape(name)}</code></td><td>{pool.get('requests')} requests per "
            f"{pool.get('interval-ms')} ms</td></tr>"
            for name, pool in pools.items()
        )
        op_rows = "".join(
            f'<tr><td><a href="#op-{html.escape(op.get("operationId", ""))}">'
            f"<code>{html.escape(op.get('operationId', ''))}</code></a></td>"
            f"<td>{self.limit_text(op.get('x-rate-limit', {}))}</td></tr>"
            for _, _, op in ops
        )
        return (
            '<section id="rate-limit-pools"><h2>Rate limits</h2>'
            "<p>As data: <code>x-rate-limit-pools</code> (the user's shared pools) and each "
            "operation's <code>x-rate-limit</code>.</p>"
            "<table><thead><tr><th>Pool</th><th>Size</th></tr></thead>"
            f"<tbody>{pool_rows}</tbody></table>"
            "<table><thead><tr><th>Operation</th><th>Limit</th></tr></thead>"
            f"<tbody>{op_rows}</tbody></table></section>"
        )

    def error_codes(self) -> str:
        codes = self.doc.get("x-htx-error-codes", [])
        rows = "".join(
            f"<tr><td>{item.get('code')}</td><td><code>{html.escape(str(item.get('name')))}</code></td>"
            f"<td>{html.escape(str(item.get('scope')))}</td>"
            f"<td>{'yes' if item.get('retryable') else 'no'}</td>"
            f"<td>{html.escape(str(item.get('meaning')))}</td></tr>"
            for item in codes
        )
        link = (
            f' (also <a href="{html.escape(self.links["error codes"])}">as JSON</a>)'
            if "error codes" in self.links
            else ""
        )
        return (
            '<section id="error-codes"><h2>Error codes</h2>'
            f"<p><code>x-htx-error-codes</code>{link}: the codes this document knows. "
            "<code>err_code</code> is an open set: expect others.</p>"
            "<table><thead><tr><th>Code</th><th>Name</th><th>Scope</th><th>Retryable</th>"
            f"<th>Meaning</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )

    def schema_section(self) -> str:
        out = ['<section id="schemas"><h2>Schemas</h2>']
        for name, schema in self.schemas.items():
            out.append(f'<section id="schema-{html.escape(name)}"><h3>{html.escape(name)}</h3>')
            out.append(self.markdown(schema.get("description")))
            if "oneOf" in schema:
                members = ", ".join(self.type_of(member) for member in schema["oneOf"])
                out.append(f"<p>One of {members}, told apart by <code>status</code>.</p>")
            elif schema.get("type") == "object":
                out.append(self.field_table({"$ref": SCHEMA_REF + name}))
                out.append(self.extra_note(schema))
            else:
                out.append(f"<p>{self.type_of(schema)}. {self.rules(schema)}</p>")
            out.append("</section>")
        out.append("</section>")
        return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="render_docs", description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the bundled document, JSON")
    parser.add_argument("output", type=Path, help="the HTML file to write")
    parser.add_argument(
        "--links",
        nargs="*",
        default=[],
        metavar="LABEL=FILE",
        help="files published beside the page, linked from its header",
    )
    args = parser.parse_args(argv)
    links = dict(item.split("=", 1) for item in args.links)
    doc = json.loads(args.bundle.read_text(encoding="utf-8"))
    args.output.write_text(Page(doc, links).render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
