"""``python -m ingest FILE.pdf [--form return.yaml | --fields fields.json]``: print what
was read as JSON.

``--form`` names a screening return form definition; without it (and without
``--fields``) the one the service ships, ``forms/definitions/screening_return.yaml``, is
used, so a return made from the service's own Word or PDF request reads as the service
reads it. ``fields.json`` is a list of ``{"name", "label", "kind", "options": [[value,
label], ...]}``. Exit code 2, with one
line on standard error, when the file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ingest import IngestError, extract
from ingest.fields import SHIPPED_SCREENING_RETURN, shipped_screening_fields
from ingest.model import ExtractedReturn, spec_from_json


def as_json(result: ExtractedReturn) -> dict[str, Any]:
    """The extraction as the command line prints it."""
    data = result.to_json()
    out: dict[str, Any] = {
        "kind": data["kind"],
        "page_count": data["page_count"],
        "needs_manual_entry": data["needs_manual_entry"],
        "fields": data["values"],
        "chronology": data["chronology"],
        "messages": data["messages"],
    }
    if result.kind == "other":
        out["text_by_page"] = data["text_by_page"]
        out["tables"] = data["tables"]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the exit code."""
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Read a returned PDF and print it as JSON.")
    parser.add_argument("pdf", type=Path, help="the returned PDF")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--form", type=Path, help="a screening return form definition (YAML)")
    choice.add_argument("--fields", type=Path, help="JSON list of {name, label, kind, options}")
    args = parser.parse_args(argv)
    try:
        fields = (
            [spec_from_json(f) for f in json.loads(args.fields.read_text(encoding="utf-8"))]
            if args.fields
            else shipped_screening_fields(args.form or SHIPPED_SCREENING_RETURN)
        )
        result = extract(args.pdf.read_bytes(), fields)
    except (IngestError, OSError, ValueError, KeyError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        sys.stderr.write(f"{args.pdf}: {message}\n")
        return 2
    json.dump(as_json(result), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
