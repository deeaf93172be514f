"""The breaking-change gate: the working spec against the newest published version.

Run it as ``scripts/check-spec-compat`` (which picks the project's .venv). It compares
``openapi/htx-linear-swap.yaml`` with the newest ``openapi/published/<version>.yaml`` (semver
order), structurally: both documents are walked operation by operation, with every ``$ref``
followed, request schemas judged as requests and reply schemas as replies. The rule it enforces is
the spec's own (its description, "Compatibility"):

- **breaking** (needs a major raise): an operation, a parameter or a request field removed; a
  request narrowed (a new required field or parameter, an enum value removed, a lower maximum,
  maxLength or maxItems, a higher minimum, minLength or minItems, a pattern that may accept less,
  a type or format changed, nullable dropped); a reply widened (a required reply field removed or
  made optional, a reply field made nullable, a closed reply enum that gains a value or is
  opened, a new reply alternative); a response status or media type removed; security changed;
  a ``default`` added or changed (generated clients send a request default for the caller, and
  fill a reply default in where HTX sent nothing); ``servers`` on a path or an operation added,
  changed or removed (generated clients send that operation elsewhere); a ``discriminator``
  changed; and **a name generators derive** changed: an operationId (the function), an
  operation's tags (the API class or service), a component schema renamed or removed (the type),
  an enum member's name (``x-enum-varnames``, also when first given: generated code had named the
  member after its value). The wire may be the same, but code generated from the old document no
  longer compiles against the new one;
- **minor** (needs at least a minor raise): anything added that a client may use or must tolerate
  (an operation, an optional request field or parameter, a reply field, an enum value on a
  request, a response status, a component schema), requests widened and replies narrowed, a
  ``default`` removed, and changes to the data extensions (``x-htx-error-codes``,
  ``x-rate-limit``...);
- **patch** (needs any raise): any other difference (descriptions, examples, ``x-known-values``).

A pattern change is judged conservatively: it widens (or narrows) only when the two patterns are
the same text apart from ``{m,n}`` bounds that all moved the same way; anything else is breaking
on both sides. Every version but the first also needs its ``## <version>`` entry in
``openapi/CHANGELOG.md``. Each finding is printed (any amount of output), then one verdict line;
if stdout's reader stops early (``| head``), the rest is dropped and the verdict goes to stderr.

Exit status: 0 pass, 1 fail, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "check-spec-compat:"
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LEVELS = ("breaking", "minor", "patch")
REQUEST, REPLY = "request", "reply"

# The outcome of comparing one constraint: the new one accepts the same, less, more, or both
# less and more (or the gate can't tell).
SAME, NARROWER, WIDER, DIFFERENT = "same", "narrower", "wider", "different"


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version | None:
        match = SEMVER.fullmatch(text.strip())
        if match is None:
            return None
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class Finding:
    """One difference between the published and the working document, and what it requires."""

    level: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"  {self.level}: {self.where}: {self.what}"


class GateError(Exception):
    """A failure the gate reports as its verdict."""


class Output:
    """Stdout, until its reader goes away (``check-spec-compat | head``): from then on the
    findings are dropped and the verdict goes to stderr, so it isn't lost, and the exit status
    still follows it."""

    closed = False

    @classmethod
    def close(cls) -> None:
        cls.closed = True
        # Stdout onto /dev/null: the interpreter's last flush would raise BrokenPipeError again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)

    @classmethod
    def lines(cls, lines: Iterable[str]) -> None:
        if cls.closed:
            return
        try:
            for line in lines:
                print(line)
            sys.stdout.flush()
        except BrokenPipeError:
            cls.close()


def say(line: str) -> None:
    Output.lines([f"{PREFIX} {line}"])
    if Output.closed:
        print(f"{PREFIX} {line}", file=sys.stderr, flush=True)


# --- comparing two documents ------------------------------------------------------------------


def _pattern_bounds(pattern: str) -> tuple[list[str], list[tuple[int, int]]] | None:
    """Split a pattern into its text and its ``{m,n}`` bounds; None if the gate can't judge it
    (lookarounds and back-references make a wider part narrow the whole)."""
    if re.search(r"\(\?[=!<]|\\[1-9]", pattern):
        return None
    parts = re.split(r"(?<!\\)\{(\d+),(\d+)\}", pattern)
    texts = parts[0::3]
    bounds = [(int(low), int(high)) for low, high in zip(parts[1::3], parts[2::3], strict=True)]
    return texts, bounds


def _plain_escapes(pattern: str) -> str:
    """`\\xHH` of a character with no meaning in a pattern, written as the character itself."""

    def plain(match: re.Match[str]) -> str:
        char = chr(int(match.group(2), 16))
        return match.group(1) + char if char.isalnum() or char in ",:;-_ '\"" else match.group(0)

    return re.sub(r"((?<!\\)(?:\\\\)*)\\x([0-9A-Fa-f]{2})", plain, pattern)


def compare_patterns(old: str | None, new: str | None) -> str:
    """SAME, NARROWER, WIDER or DIFFERENT: what the new pattern accepts against the old one."""
    if old is not None and new is not None:
        old, new = _plain_escapes(old), _plain_escapes(new)
    if old == new:
        return SAME
    if old is None:
        return NARROWER
    if new is None:
        return WIDER
    old_split, new_split = _pattern_bounds(old), _pattern_bounds(new)
    if old_split is None or new_split is None or old_split[0] != new_split[0]:
        return DIFFERENT
    moves = set()
    for (old_low, old_high), (new_low, new_high) in zip(old_split[1], new_split[1], strict=True):
        if new_low < old_low or new_high > old_high:
            moves.add(WIDER)
        if new_low > old_low or new_high < old_high:
            moves.add(NARROWER)
    return moves.pop() if len(moves) == 1 else DIFFERENT


def _upper(old: Any, new: Any, old_exclusive: bool = False, new_exclusive: bool = False) -> str:
    """An upper bound (None: unbounded); exclusive bounds accept less at the same value."""
    if (old, old_exclusive) == (new, new_exclusive):
        return SAME
    if old is None:
        return NARROWER
    if new is None:
        return WIDER
    if new < old or (new == old and new_exclusive):
        return NARROWER
    return WIDER


def _lower(old: Any, new: Any, old_exclusive: bool = False, new_exclusive: bool = False) -> str:
    if (old, old_exclusive) == (new, new_exclusive):
        return SAME
    if old is None:
        return NARROWER
    if new is None:
        return WIDER
    if new > old or (new == old and new_exclusive):
        return NARROWER
    return WIDER


def _multiple_of(old: Any, new: Any) -> str:
    if old == new:
        return SAME
    if old is None:
        return NARROWER
    if new is None:
        return WIDER
    if (new / old).is_integer():
        return NARROWER
    if (old / new).is_integer():
        return WIDER
    return DIFFERENT


def _constraints(old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(keyword, outcome) for each validation keyword whose value changed."""

    def flag(schema: dict[str, Any], key: str) -> bool:
        return bool(schema.get(key, False))

    outcomes = {
        "maximum": _upper(
            old.get("maximum"),
            new.get("maximum"),
            flag(old, "exclusiveMaximum"),
            flag(new, "exclusiveMaximum"),
        ),
        "minimum": _lower(
            old.get("minimum"),
            new.get("minimum"),
            flag(old, "exclusiveMinimum"),
            flag(new, "exclusiveMinimum"),
        ),
        "maxLength": _upper(old.get("maxLength"), new.get("maxLength")),
        "minLength": _lower(old.get("minLength", 0), new.get("minLength", 0)),
        "maxItems": _upper(old.get("maxItems"), new.get("maxItems")),
        "minItems": _lower(old.get("minItems", 0), new.get("minItems", 0)),
        "maxProperties": _upper(old.get("maxProperties"), new.get("maxProperties")),
        "minProperties": _lower(old.get("minProperties", 0), new.get("minProperties", 0)),
        "multipleOf": _multiple_of(old.get("multipleOf"), new.get("multipleOf")),
        "uniqueItems": _upper(not flag(old, "uniqueItems"), not flag(new, "uniqueItems")),
        "pattern": compare_patterns(old.get("pattern"), new.get("pattern")),
    }
    for keyword, outcome in outcomes.items():
        if outcome != SAME:
            yield keyword, outcome


@dataclass
class Comparison:
    """Walks the published (`old`) and working (`new`) documents side by side."""

    old: dict[str, Any]
    new: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    # The schema pairs being compared right now: a recursive schema stops at its second visit.
    _in_progress: set[tuple[int, int, str]] = field(default_factory=set)

    def add(self, level: str, where: str, what: str) -> None:
        self.findings.append(Finding(level, where, what))

    def judge(self, outcome: str, mode: str, where: str, what: str) -> None:
        """Record a change that makes `mode`'s side accept less (NARROWER) or more (WIDER)."""
        if outcome == SAME:
            return
        if outcome == DIFFERENT:
            self.add(
                "breaking",
                where,
                f"{what}: changed in a way the gate can't prove only widens or only narrows",
            )
            return
        narrows = outcome == NARROWER
        if mode == REQUEST:
            level, effect = (
                ("breaking", "a request valid before may now be refused")
                if narrows
                else ("minor", "more requests are valid")
            )
        else:
            level, effect = (
                ("minor", "replies are narrower")
                if narrows
                else ("breaking", "a reply may now be one a client refuses")
            )
        self.add(
            level, where, f"{what} ({'accepts less' if narrows else 'accepts more'}): {effect}"
        )

    # -- resolution ----------------------------------------------------------------------------

    @staticmethod
    def resolve(doc: dict[str, Any], node: Any) -> Any:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") or hops > 64:
                raise GateError(f"cannot resolve $ref {ref!r} (only local refs are supported)")
            target: Any = doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise GateError(f"$ref {ref!r} points nowhere")
                target = target[part]
            node = target
            hops += 1
        return node

    def flatten(self, doc: dict[str, Any], schema: Any) -> dict[str, Any]:
        """The schema with its `$ref` followed and its `allOf` merged into one object schema."""
        schema = self.resolve(doc, schema)
        if not isinstance(schema, dict):
            return {}
        if "allOf" not in schema:
            return schema
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties = dict(merged.get("properties", {}))
        required = list(merged.get("required", []))
        for part in schema["allOf"]:
            flat = self.flatten(doc, part)
            properties.update(flat.get("properties", {}))
            required += [name for name in flat.get("required", []) if name not in required]
            for key, value in flat.items():
                if key not in ("properties", "required"):
                    merged.setdefault(key, value)
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = required
        return merged

    # -- the documents -------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        self.compare_servers()
        self.compare_security_schemes()
        self.compare_paths()
        self.compare_components()
        self.compare_extensions()
        comparable_old = {**self.old, "info": {**self.old.get("info", {}), "version": None}}
        comparable_new = {**self.new, "info": {**self.new.get("info", {}), "version": None}}
        if not self.findings and comparable_old != comparable_new:
            self.add(
                "patch",
                "document",
                "wording, examples or other changes that don't change what is valid",
            )
        # Breaking first; within a level, in the order the walk found them (document order).
        unique = list(dict.fromkeys(self.findings))
        return sorted(unique, key=lambda finding: LEVELS.index(finding.level))

    def compare_servers(self) -> None:
        old = {server.get("url") for server in self.old.get("servers", [])}
        new = {server.get("url") for server in self.new.get("servers", [])}
        for url in sorted(old - new):
            self.add("breaking", "servers", f"server {url} removed")
        for url in sorted(new - old):
            self.add("minor", "servers", f"server {url} added")

    def compare_security_schemes(self) -> None:
        old = self.old.get("components", {}).get("securitySchemes", {})
        new = self.new.get("components", {}).get("securitySchemes", {})
        for name in sorted(set(old) | set(new)):
            where = f"components.securitySchemes.{name}"
            if name not in new:
                self.add("breaking", where, "security scheme removed")
            elif name not in old:
                self.add("minor", where, "security scheme added")
            else:
                keys = ("type", "in", "name", "scheme", "bearerFormat", "flows")
                if any(old[name].get(key) != new[name].get(key) for key in keys):
                    self.add("breaking", where, "security scheme changed")

    def compare_components(self) -> None:
        """Component schemas by name: generators name a type after each one."""
        old = self.old.get("components", {}).get("schemas", {})
        new = self.new.get("components", {}).get("schemas", {})
        for name in sorted(set(old) - set(new)):
            self.add(
                "breaking",
                f"components.schemas.{name}",
                "schema removed or renamed: code generated from the published document names "
                "the type (the wire may be unchanged; keep the old name, e.g. as an alias)",
            )
        for name in sorted(set(new) - set(old)):
            self.add("minor", f"components.schemas.{name}", "schema added")
        for name in sorted(set(old) & set(new)):
            self.compare_enum_names(f"components.schemas.{name}", old[name], new[name])

    def compare_enum_names(self, where: str, old: Any, new: Any) -> None:
        """Each enum value's member name (`x-enum-varnames`): generated code refers to it."""
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if not isinstance(old_enum, list) or not isinstance(new_enum, list):
            return

        def names(schema: dict[str, Any], values: list[Any]) -> dict[str, Any]:
            # By position, as openapi-generator reads them: a value past the list's end gets
            # the generator's own name.
            given = schema.get("x-enum-varnames")
            given = given if isinstance(given, list) else []
            return {
                repr(value): given[index] if index < len(given) else None
                for index, value in enumerate(values)
            }

        old_names, new_names = names(old, old_enum), names(new, new_enum)
        renamed = [
            f"{value}: {old_names[value] or 'named by the generator'} -> "
            f"{new_names[value] or 'named by the generator'}"
            for value in old_names
            if value in new_names and old_names[value] != new_names[value]
        ]
        if renamed:
            self.add(
                "breaking",
                where,
                f"enum members renamed ({'; '.join(renamed)}): x-enum-varnames, the names "
                "generated code gives them",
            )

    def compare_extensions(self) -> None:
        old_codes = {item.get("code"): item for item in self.old.get("x-htx-error-codes", [])}
        new_codes = {item.get("code"): item for item in self.new.get("x-htx-error-codes", [])}
        for code in [*old_codes, *(code for code in new_codes if code not in old_codes)]:
            where = f"x-htx-error-codes {code}"
            if code not in old_codes:
                self.add("minor", where, "error code added")
            elif code not in new_codes:
                self.add("minor", where, "error code removed from the list")
            elif old_codes[code] != new_codes[code]:
                self.add("minor", where, "error code's entry changed")
        for key in sorted(
            key
            for key in set(self.old) | set(self.new)
            if key.startswith("x-") and key != "x-htx-error-codes"
        ):
            if self.old.get(key) != self.new.get(key):
                self.add("minor", key, "extension changed")

    def compare_paths(self) -> None:
        old_paths = self.old.get("paths", {})
        new_paths = self.new.get("paths", {})
        for path in sorted(set(old_paths) | set(new_paths)):
            old_item = self.resolve(self.old, old_paths.get(path, {}))
            new_item = self.resolve(self.new, new_paths.get(path, {}))
            if old_item.get("servers") != new_item.get("servers") and path in old_paths:
                self.add(
                    "breaking",
                    path,
                    "path-level servers changed: generated clients send its operations to "
                    "those hosts instead of the ones the caller configured",
                )
            for method in METHODS:
                where = f"{method.upper()} {path}"
                if method in old_item and method not in new_item:
                    self.add("breaking", where, "operation removed")
                elif method in new_item and method not in old_item:
                    self.add("minor", where, "operation added")
                elif method in old_item:
                    self.compare_operation(
                        where,
                        old_item[method],
                        new_item[method],
                        old_item.get("parameters", []),
                        new_item.get("parameters", []),
                    )

    def compare_operation(
        self,
        where: str,
        old: dict[str, Any],
        new: dict[str, Any],
        old_shared: list[Any],
        new_shared: list[Any],
    ) -> None:
        if old.get("operationId") != new.get("operationId"):
            self.add(
                "breaking",
                where,
                f"operationId {old.get('operationId')!r} became {new.get('operationId')!r} "
                "(generated clients name the operation after it)",
            )
        if old.get("tags", []) != new.get("tags", []):
            self.add(
                "breaking",
                where,
                f"tags {old.get('tags', [])} became {new.get('tags', [])} (generated clients "
                "name the API class or service that holds the operation after its first tag)",
            )
        if old.get("servers") != new.get("servers"):
            self.add(
                "breaking",
                where,
                "operation-level servers changed: generated clients send this operation to "
                "those hosts instead of the ones the caller configured",
            )
        old_security = old.get("security", self.old.get("security"))
        new_security = new.get("security", self.new.get("security"))
        if old_security != new_security:
            self.add("breaking", where, "security requirements changed")
        if old.get("x-rate-limit") != new.get("x-rate-limit"):
            self.add("minor", where, "x-rate-limit changed")
        if new.get("deprecated") and not old.get("deprecated"):
            self.add("minor", where, "operation deprecated")
        self.compare_parameters(
            where, old_shared + old.get("parameters", []), new_shared + new.get("parameters", [])
        )
        self.compare_request_body(where, old.get("requestBody"), new.get("requestBody"))
        self.compare_responses(where, old.get("responses", {}), new.get("responses", {}))

    def compare_parameters(self, where: str, old: list[Any], new: list[Any]) -> None:
        def index(doc: dict[str, Any], params: list[Any]) -> dict[tuple[str, str], Any]:
            resolved = (self.resolve(doc, param) for param in params)
            return {(param.get("in", ""), param.get("name", "")): param for param in resolved}

        old_params, new_params = index(self.old, old), index(self.new, new)
        for key in sorted(set(old_params) | set(new_params)):
            place = f"{where} {key[0]} parameter {key[1]}"
            old_param, new_param = old_params.get(key), new_params.get(key)
            if new_param is None:
                self.add("breaking", place, "parameter removed")
            elif old_param is None:
                if new_param.get("required"):
                    self.add("breaking", place, "new required parameter")
                else:
                    self.add("minor", place, "optional parameter added")
            else:
                if new_param.get("required") and not old_param.get("required"):
                    self.add("breaking", place, "parameter is now required")
                elif old_param.get("required") and not new_param.get("required"):
                    self.add("minor", place, "parameter is now optional")
                self.compare_schema(
                    place, old_param.get("schema", {}), new_param.get("schema", {}), REQUEST
                )

    def compare_request_body(self, where: str, old: Any, new: Any) -> None:
        place = f"{where} request body"
        old = self.resolve(self.old, old) if old is not None else None
        new = self.resolve(self.new, new) if new is not None else None
        if old is None and new is None:
            return
        if new is None:
            self.add("breaking", place, "request body removed")
            return
        if old is None:
            level = "breaking" if new.get("required") else "minor"
            self.add(level, place, "request body added")
            return
        if new.get("required") and not old.get("required"):
            self.add("breaking", place, "request body is now required")
        old_content, new_content = old.get("content", {}), new.get("content", {})
        for media in sorted(set(old_content) | set(new_content)):
            media_place = f"{place} ({media})"
            if media not in new_content:
                self.add("breaking", media_place, "media type no longer accepted")
            elif media not in old_content:
                self.add("minor", media_place, "media type added")
            else:
                self.compare_schema(
                    media_place,
                    old_content[media].get("schema", {}),
                    new_content[media].get("schema", {}),
                    REQUEST,
                )

    def compare_responses(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for status in sorted(set(old) | set(new), key=str):
            place = f"{where} response {status}"
            if status not in new:
                self.add("breaking", place, "response status removed")
                continue
            if status not in old:
                self.add("minor", place, "response status added")
                continue
            old_reply = self.resolve(self.old, old[status])
            new_reply = self.resolve(self.new, new[status])
            old_content, new_content = old_reply.get("content", {}), new_reply.get("content", {})
            for media in sorted(set(old_content) | set(new_content)):
                media_place = f"{place} ({media})"
                if media not in new_content:
                    self.add("breaking", media_place, "reply media type removed")
                elif media not in old_content:
                    level = "minor" if not old_content else "breaking"
                    self.add(level, media_place, "reply media type added")
                else:
                    self.compare_schema(
                        media_place,
                        old_content[media].get("schema", {}),
                        new_content[media].get("schema", {}),
                        REPLY,
                    )
            old_headers = old_reply.get("headers", {})
            new_headers = new_reply.get("headers", {})
            for name in sorted(set(old_headers) | set(new_headers)):
                header_place = f"{place} header {name}"
                if name not in new_headers:
                    required = self.resolve(self.old, old_headers[name]).get("required")
                    self.add("breaking" if required else "minor", header_place, "header removed")
                elif name not in old_headers:
                    self.add("minor", header_place, "header added")
                else:
                    self.compare_schema(
                        header_place,
                        self.resolve(self.old, old_headers[name]).get("schema", {}),
                        self.resolve(self.new, new_headers[name]).get("schema", {}),
                        REPLY,
                    )

    # -- schemas -------------------------------------------------------------------------------

    def compare_schema(self, where: str, old_node: Any, new_node: Any, mode: str) -> None:
        # Keyed on the nodes in the documents themselves (alive for the whole run), not on
        # flattened copies, whose ids may be reused.
        key = (id(self.resolve(self.old, old_node)), id(self.resolve(self.new, new_node)), mode)
        if key in self._in_progress:
            return
        self._in_progress.add(key)
        try:
            self._compare_schema(where, old_node, new_node, mode)
        finally:
            self._in_progress.discard(key)

    def _compare_schema(self, where: str, old_node: Any, new_node: Any, mode: str) -> None:
        old, new = self.flatten(self.old, old_node), self.flatten(self.new, new_node)
        if any(k in old or k in new for k in ("oneOf", "anyOf")):
            self.compare_alternatives(where, old, new, mode)
            return
        self.compare_type(where, old, new, mode)
        self.compare_enum(where, old, new, mode)
        if bool(old.get("nullable")) != bool(new.get("nullable")):
            self.judge(WIDER if new.get("nullable") else NARROWER, mode, where, "nullable")
        for keyword, outcome in _constraints(old, new):
            self.judge(outcome, mode, where, keyword)
        self.compare_default(where, old, new, mode)
        if not any(isinstance(node, dict) and "$ref" in node for node in (old_node, new_node)):
            self.compare_enum_names(where, old, new)  # inline; named ones: compare_components
        if "items" in old or "items" in new:
            self.compare_schema(f"{where}[]", old.get("items", {}), new.get("items", {}), mode)
        if any(key in schema for key in ("properties", "required") for schema in (old, new)):
            self.compare_properties(where, old, new, mode)
        self.compare_additional(where, old, new, mode)

    def compare_default(
        self, where: str, old: dict[str, Any], new: dict[str, Any], mode: str
    ) -> None:
        had, has = "default" in old, "default" in new
        if had and has and old["default"] == new["default"]:
            return
        if not has:
            if had:
                self.add("minor", where, "default removed (what the server does is unchanged)")
            return
        effect = (
            "generated clients send it for callers who leave the field out, and a server "
            "default that differs no longer applies"
            if mode == REQUEST
            else "generated clients fill it in where HTX sent nothing"
        )
        self.add("breaking", where, f"default {'changed' if had else 'added'}: {effect}")

    def compare_type(self, where: str, old: dict[str, Any], new: dict[str, Any], mode: str) -> None:
        old_type, new_type = old.get("type"), new.get("type")
        if old_type != new_type:
            if (old_type, new_type) == ("integer", "number") or new_type is None:
                outcome = WIDER
            elif (old_type, new_type) == ("number", "integer") or old_type is None:
                outcome = NARROWER
            else:
                outcome = DIFFERENT
            self.judge(outcome, mode, where, f"type {old_type} -> {new_type}")
        old_format, new_format = old.get("format"), new.get("format")
        if old_format != new_format:
            if old_format is None:
                outcome = NARROWER
            elif new_format is None:
                outcome = WIDER
            else:
                outcome = DIFFERENT
            self.judge(outcome, mode, where, f"format {old_format} -> {new_format}")

    def compare_enum(self, where: str, old: dict[str, Any], new: dict[str, Any], mode: str) -> None:
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if old_enum is None and new_enum is None:
            return
        if old_enum is None:
            self.judge(NARROWER, mode, where, "value set closed (enum added)")
            return
        if new_enum is None:
            self.judge(WIDER, mode, where, "value set opened (enum removed)")
            return
        removed = [value for value in old_enum if value not in new_enum]
        added = [value for value in new_enum if value not in old_enum]
        if removed:
            self.judge(NARROWER, mode, where, f"enum values {removed} removed")
        if added:
            self.judge(WIDER, mode, where, f"enum values {added} added")

    def compare_properties(
        self, where: str, old: dict[str, Any], new: dict[str, Any], mode: str
    ) -> None:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(set(old_props) | set(new_props) | old_required | new_required):
            place = f"{where}.{name}"
            was = name in old_props or name in old_required
            now = name in new_props or name in new_required
            if not now:
                if mode == REQUEST:
                    self.add("breaking", place, "request field removed")
                elif name in old_required:
                    self.add("breaking", place, "required reply field removed")
                else:
                    self.add("minor", place, "optional reply field removed")
                continue
            if not was:
                if mode == REQUEST and name in new_required:
                    self.add("breaking", place, "new required request field")
                elif mode == REQUEST:
                    self.add("minor", place, "optional request field added")
                else:
                    self.add("minor", place, "reply field added")
                continue
            if name in new_required and name not in old_required:
                if mode == REQUEST:
                    self.add("breaking", place, "request field is now required")
                else:
                    self.add("minor", place, "reply field is now always present")
            elif name in old_required and name not in new_required:
                if mode == REQUEST:
                    self.add("minor", place, "request field is now optional")
                else:
                    self.add("breaking", place, "reply field may now be missing")
            self.compare_schema(place, old_props.get(name, {}), new_props.get(name, {}), mode)

    def compare_additional(
        self, where: str, old: dict[str, Any], new: dict[str, Any], mode: str
    ) -> None:
        old_extra = old.get("additionalProperties", True)
        new_extra = new.get("additionalProperties", True)
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.compare_schema(f"{where}.*", old_extra, new_extra, mode)
            return
        old_allows, new_allows = old_extra is not False, new_extra is not False
        if old_allows != new_allows:
            self.judge(WIDER if new_allows else NARROWER, mode, where, "additionalProperties")
        elif isinstance(old_extra, dict) != isinstance(new_extra, dict):
            # true <-> a schema: a schema allows fewer unknown fields than true.
            outcome = NARROWER if isinstance(new_extra, dict) else WIDER
            self.judge(outcome, mode, where, "additionalProperties")

    def compare_alternatives(
        self, where: str, old: dict[str, Any], new: dict[str, Any], mode: str
    ) -> None:
        kind = "oneOf" if "oneOf" in old or "oneOf" in new else "anyOf"
        if kind not in old or kind not in new:
            self.add("breaking", where, f"{kind} added or removed: the shape changed")
            return
        old_disc = old.get("discriminator", {}) or {}
        new_disc = new.get("discriminator", {}) or {}
        if old_disc != new_disc:
            self.add(
                "breaking",
                where,
                "discriminator changed (generated code decodes the union by it, or without it)",
            )
        old_branches = self._branches(self.old, old[kind], old_disc)
        new_branches = self._branches(self.new, new[kind], new_disc)
        for label in sorted(set(old_branches) | set(new_branches)):
            place = f"{where} <{label}>"
            if label not in new_branches:
                self.judge(NARROWER, mode, place, "alternative removed")
            elif label not in old_branches:
                self.judge(WIDER, mode, place, "alternative added")
            else:
                self.compare_schema(place, old_branches[label], new_branches[label], mode)

    def _branches(
        self, doc: dict[str, Any], branches: list[Any], discriminator: dict[str, Any]
    ) -> dict[str, Any]:
        """Alternatives by referenced name (what generated code calls them), else by
        discriminator value, else by position."""
        by_ref = {
            branch["$ref"]: branch
            for branch in branches
            if isinstance(branch, dict) and isinstance(branch.get("$ref"), str)
        }
        if len(by_ref) == len(branches):
            return {ref.rsplit("/", 1)[-1]: branch for ref, branch in by_ref.items()}
        mapping = discriminator.get("mapping", {})
        if mapping:
            name = discriminator.get("propertyName")
            return {f"{name}={value}": {"$ref": ref} for value, ref in mapping.items()}
        return {f"#{position}": branch for position, branch in enumerate(branches)}


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Finding]:
    """Every difference between the published `old` and the working `new` document."""
    return Comparison(old, new).run()


def required_level(findings: list[Finding]) -> str | None:
    """The highest level among the findings: what the version raise must be at least."""
    levels = {finding.level for finding in findings}
    return next((level for level in LEVELS if level in levels), None)


# --- versions and the verdict ----------------------------------------------------------------


def load_yaml(path: Path) -> Any:
    try:
        # libyaml's loader when PyYAML has it: several times faster on large documents.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except (OSError, yaml.YAMLError) as exc:
        raise GateError(f"cannot read {path}: {exc}") from exc


def spec_version(doc: Any, path: Path) -> Version:
    raw = doc.get("info", {}).get("version") if isinstance(doc, dict) else None
    version = Version.parse(str(raw)) if raw is not None else None
    if version is None:
        raise GateError(f"info.version {raw!r} in {path} is not MAJOR.MINOR.PATCH")
    return version


def newest_published(directory: Path) -> tuple[Version, Path] | None:
    found: list[tuple[Version, Path]] = []
    for path in directory.glob("*.yaml") if directory.is_dir() else ():
        version = Version.parse(path.stem)
        if version is None:
            say(f"note: ignoring {path.name} (not <MAJOR.MINOR.PATCH>.yaml)")
        else:
            found.append((version, path))
    return max(found) if found else None


def has_changelog_entry(changelog: Path, version: Version) -> bool:
    if not changelog.is_file():
        return False
    heading = re.compile(rf"^##\s+\[?v?{re.escape(str(version))}\]?(\s|$)", re.MULTILINE)
    return heading.search(changelog.read_text(encoding="utf-8")) is not None


def raise_of(published: Version, working: Version) -> str | None:
    """Which part of the version was raised: 'breaking' (major), 'minor', 'patch' or None."""
    if working.major > published.major:
        return "breaking"
    if working.major == published.major and working.minor > published.minor:
        return "minor"
    if working > published:
        return "patch"
    return None


ADVICE = {
    "breaking": "make the change backward compatible, or raise info.version to {major}.0.0",
    "minor": "raise info.version to {minor} at least",
    "patch": "raise info.version to {patch} at least",
}


def check(spec: Path, published_dir: Path, changelog: Path) -> str:
    """Return the pass verdict, or raise GateError with the fail verdict."""
    working_doc = load_yaml(spec)
    working = spec_version(working_doc, spec)
    newest = newest_published(published_dir)
    if newest is None:
        return (
            f"PASS: nothing published yet in {published_dir}; "
            f"{working} will be the first (scripts/publish-spec --release)"
        )
    published, published_path = newest
    published_doc = load_yaml(published_path)
    if spec_version(published_doc, published_path) != published:
        raise GateError(f"{published_path} says info.version {published_doc['info']['version']}")
    if working < published:
        raise GateError(
            f"info.version {working} is lower than the published {published} ({published_path})"
        )
    if working_doc == published_doc:
        return f"PASS: {spec.name} is the published {published}, unchanged"
    if working != published and not has_changelog_entry(changelog, working):
        raise GateError(
            f"info.version is raised to {working} (published: {published}), but {changelog} has "
            f"no '## {working}' entry: describe the change there"
        )

    findings = compare(published_doc, working_doc)
    Output.lines(str(finding) for finding in findings)
    needed = required_level(findings) or "patch"
    counts = ", ".join(
        f"{sum(f.level == level for f in findings)} {level}"
        for level in LEVELS
        if any(f.level == level for f in findings)
    )
    raised = raise_of(published, working)
    if raised is None or LEVELS.index(raised) > LEVELS.index(needed):
        advice = ADVICE[needed].format(
            major=published.major + 1,
            minor=f"{published.major}.{published.minor + 1}.0",
            patch=f"{published.major}.{published.minor}.{published.patch + 1}",
        )
        raise GateError(
            f"{needed} changes against the published {published} ({counts}; listed above) but "
            f"info.version is {working}: {advice}, and describe it in {changelog.name}"
        )
    return f"PASS: {needed} changes against {published} ({counts}), versioned {working}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="check-spec-compat",
        description="Fail when the spec breaks the newest published version without a major raise.",
    )
    parser.add_argument(
        "--spec",
        type=Path,
        default=ROOT / "openapi" / "htx-linear-swap.yaml",
        help="the working spec (default: %(default)s)",
    )
    parser.add_argument(
        "--published-dir",
        type=Path,
        default=ROOT / "openapi" / "published",
        help="released versions, <MAJOR.MINOR.PATCH>.yaml (default: %(default)s)",
    )
    parser.add_argument(
        "--changelog",
        type=Path,
        default=ROOT / "openapi" / "CHANGELOG.md",
        help="one '## <version>' entry per version (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        verdict = check(args.spec, args.published_dir, args.changelog)
    except GateError as exc:
        say(f"FAIL: {exc}")
        return 1
    say(verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
