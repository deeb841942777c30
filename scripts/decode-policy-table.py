#!/usr/bin/env python3
"""The decoding policy's table (issue 20): each crafted class of odd or
damaged file (tests/python/decode_cases.py), what an `imagebank` CLI does
with it (decode through `variants`, the full path an ingest takes), and what
Pillow does.

Usage: scripts/decode-policy-table.py CLI [CLI ...]
Each CLI is a path to an `imagebank` binary (e.g. one built from main, one
from this branch): one column each. Needs Pillow (the tests' venv has it).
Prints a Markdown table.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "python"))

import decode_cases as dc  # noqa: E402


def outcome(cli: str, path: pathlib.Path, out: pathlib.Path) -> str:
    r = subprocess.run([cli, "variants", "--json", "--out", str(out), "--presets", "thumbnail",
                        "--formats", "jpeg", str(path)], capture_output=True, text=True)
    if r.returncode == 0:
        probe = subprocess.run([cli, "probe", "--json", str(path)], capture_output=True,
                               text=True)
        tolerated = json.loads(probe.stdout).get("tolerated", []) if probe.stdout else []
        return "decodes" + (f" (records {', '.join(tolerated)})" if tolerated else "")
    message = r.stdout + r.stderr
    for word in ("Huffman", "CRC", "extraneous", "pixi", "truncated", "corrupt"):
        if word.lower() in message.lower():
            return f"refuses ({word})"
    return "refuses"


def main() -> int:
    clis = sys.argv[1:]
    if not clis:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        header = "| class | " + " | ".join(clis) + " | Pillow |"
        print(header)
        print("|---" * (len(clis) + 2) + "|")
        for i, case in enumerate(dc.cases()):
            path = root / f"case{i}.{case.ext}"
            path.write_bytes(case.data)
            cells = [outcome(cli, path, root / f"out{i}") for cli in clis]
            print(f"| {case.name} | " + " | ".join(cells) + f" | {dc.pillow_outcome(case.data)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
