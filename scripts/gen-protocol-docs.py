#!/usr/bin/env python3
"""Writes docs/protocols.md from the proto files' own comments: each service with its RPCs, each message with its
fields (type, number, comment), each enum with its values. The page is generated, never edited by hand:
python-client/tests/test_docs.py fails when the committed page differs from what this script writes.

Usage: python3 scripts/gen-protocol-docs.py [--check]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTOS = [ROOT / "proto/dirpg/env/v1/environment.proto", ROOT / "proto/dirpg/train/v1/trainer.proto"]
OUT = ROOT / "docs/protocols.md"

FIELD = re.compile(r"^(optional |repeated )?(map<[^>]+>|[\w.]+) (\w+) = (\d+)")
RPC = re.compile(r"^rpc (\w+)\s*\(\s*(stream )?([\w.]+)\s*\)\s*returns\s*\(\s*(stream )?([\w.]+)\s*\)")
ENUM_VALUE = re.compile(r"^(\w+) = (-?\d+)")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render(path: Path) -> list[str]:
    """The markdown of one proto file."""
    lines = path.read_text().splitlines()
    out: list[str] = []
    comment: list[str] = []
    stack: list[tuple[str, str]] = []  # (kind, name) of the open blocks
    header: list[str] = []
    package = ""
    for raw in lines:
        line = raw.strip()
        if line.startswith("//"):
            comment.append(line[2:].strip())
            continue
        if not line:
            if not stack and comment and not out and not header:
                header = comment
            comment = [] if not stack else comment
            continue
        text = " ".join(comment)
        if line.startswith("package "):
            package = line.removeprefix("package ").rstrip(";")
            out += [f"## `{package}`", "", f"From `{path.relative_to(ROOT)}`." + (f" {' '.join(header)}" if header else ""), ""]
        elif m := re.match(r"^(service|message|enum) (\w+)", line):
            kind, name = m.groups()
            full = ".".join([n for _, n in stack if _ != "service"] + [name])
            out += [f"### {kind} `{full}`", ""]
            if text:
                out += [text, ""]
            if kind == "message":
                out += ["| field | type | number | meaning |", "| --- | --- | --- | --- |"]
            elif kind == "enum":
                out += ["| value | number | meaning |", "| --- | --- | --- |"]
            else:
                out += ["| RPC | request | response | meaning |", "| --- | --- | --- | --- |"]
            stack.append((kind, name))
            if line.endswith("}"):
                stack.pop()
                out.append("")
        elif line.startswith("}"):
            if stack:
                kind, _ = stack.pop()
                if kind != "oneof":
                    out.append("")
        elif stack and stack[-1][0] == "service" and (m := RPC.match(line)):
            name, s_in, req, s_out, resp = m.groups()
            out.append(f"| `{name}` | {'stream ' if s_in else ''}`{req}` | {'stream ' if s_out else ''}`{resp}` | "
                       f"{_cell(text)} |")
        elif stack and stack[-1][0] in ("message", "oneof") and (m := FIELD.match(line)):
            label, typ, name, number = m.groups()
            trailing = line.split("//", 1)[1].strip() if "//" in line else ""
            label = "one of" if stack[-1][0] == "oneof" else (label or "").strip()
            out.append(f"| `{name}` | {label} `{typ}` | {number} | {_cell(' '.join([text, trailing]))} |"
                       .replace("|  `", "| `"))
        elif stack and stack[-1][0] == "enum" and (m := ENUM_VALUE.match(line)):
            out.append(f"| `{m.group(1)}` | {m.group(2)} | {_cell(text)} |")
        elif line.startswith("oneof "):
            out.append(f"| *one of `{line.split()[1]}`:* | | | {_cell(text)} |")
            stack.append(("oneof", line.split()[1]))
        comment = []
    return out


# The one wire format that is not a proto service: described here, since no .proto file can say it.
STEP_SOCKET = """## The step socket

A Python env server started with `--step-socket PATH` also answers StepBatch on the Unix domain socket PATH (mode
0600), without gRPC, and names it in every `EnvironmentDescription.step_socket`. A client on the same host may step
there: the same `StepBatchRequest` and `StepBatchResponse` messages, answered by the same code as StepBatch, at a
fraction of a gRPC round trip's cost. The Java client uses it by itself when it has one endpoint on loopback and the
path exists on its host, and falls back to StepStream and StepBatch when the socket cannot be reached.

- Every frame is a 4-byte big-endian length, then that many bytes.
- The client's first frame is the hello: the ASCII bytes `DIRPG-STEP-SOCKET/1 ` followed by the server's bearer token
  (nothing when it has none). The server answers with a response frame: OK and nothing, or UNAUTHENTICATED and a
  message, and then closes the connection.
- Then each request frame is one serialized `StepBatchRequest`. The server answers each, in order, with a response
  frame: one byte, the gRPC status code (0 = OK), then the serialized `StepBatchResponse` when OK, else the error
  message in UTF-8, the message StepBatch would give (e.g. `item 1: ...`). An application error leaves the connection
  open. A frame over the server's `--max-request-bytes` is answered with RESOURCE_EXHAUSTED and the connection is
  closed.
- A server replaces a stale socket file at PATH (a killed server's), refuses a live server's socket or any other file
  there, removes its socket when it stops, and serves the socket from one process only (not with `--processes`).
"""


def page() -> str:
    body = ["# The protocols", "",
            "Generated by `scripts/gen-protocol-docs.py` from the comments of the proto files, which are the reference: "
            "a client in any language needs only `proto/` (`examples/go` is one). Versioned packages, `VerbNoun` RPCs, "
            "enums starting at `*_UNSPECIFIED = 0`, field numbers never reused; `optional` marks explicit presence "
            "(absent means not measured or not known, never a sentinel).", ""]
    for proto in PROTOS:
        body += render(proto)
    body += [STEP_SOCKET]
    text = "\n".join(body)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = page()
    if "--check" in argv:
        if OUT.read_text() != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run python3 scripts/gen-protocol-docs.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
