"""Pinned dependencies: pdfminer.six with JSON CMaps, pyotp for two-factor sign-in."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s#]+)", line.strip())
        if match:
            pins[match.group(1).split("[")[0].lower()] = match.group(2)
    return pins


def test_every_requirement_is_pinned() -> None:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-")):
            assert "==" in line, line


def test_pdfminer_is_a_release_with_json_cmaps_not_pickled_ones() -> None:
    # pdfminer.six 20251229 replaced pickled CMap files (code run on load) with JSON.
    pinned = _pins("requirements.txt")["pdfminer.six"]
    assert int(pinned) >= 20251229
    assert int(version("pdfminer.six")) >= 20251229
    import pdfminer

    cmaps = Path(pdfminer.__file__).parent / "cmap"
    assert not list(cmaps.glob("*.pickle.gz"))


def test_pyotp_is_pinned_and_installed() -> None:
    assert _pins("requirements.txt")["pyotp"] == "2.12.0" == version("pyotp")
