"""Virus scanning of uploaded files before they are accepted, behind a small interface.

``VIRUS_SCAN=off`` (``NoScanner``) accepts everything; ``VIRUS_SCAN=clamav``
(``ClamdScanner``) asks the ClamAV daemon over its socket when there is one, and otherwise
runs ``clamdscan`` or ``clamscan`` if either is on PATH. When ClamAV was asked for and
cannot be reached, ``scan`` raises ``ScanUnavailable``: an upload is refused rather than
accepted unscanned (fail closed).
"""

from __future__ import annotations

import os
import shutil
import socket
import struct

# Fixed argument lists and no shell: the file goes on stdin.
import subprocess  # nosec B404
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    # The signature found ("Eicar-Test-Signature"), or None when clean.
    name: str | None = None


class ScanUnavailable(RuntimeError):
    """The scanner that was configured could not be asked; the file must not be accepted."""


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class NoScanner:
    """Scanning turned off: every file is reported clean."""

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=True)


class ClamdScanner:
    """ClamAV: the clamd socket (INSTREAM) if present, else clamdscan/clamscan on PATH."""

    def __init__(self, socket_path: str | None = None, timeout: float = 60.0) -> None:
        self.socket_path = socket_path
        self.timeout = timeout

    def scan(self, data: bytes) -> ScanResult:
        if self.socket_path and os.path.exists(self.socket_path):
            return self._scan_socket(data)
        for command in ("clamdscan", "clamscan"):
            path = shutil.which(command)
            if path:
                return self._scan_command(path, data)
        raise ScanUnavailable("ClamAV is not reachable: no clamd socket, clamdscan or clamscan")

    def _scan_socket(self, data: bytes) -> ScanResult:
        # clamd's INSTREAM: chunks each prefixed by a 4-byte big-endian length, then 0.
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)
                sock.connect(self.socket_path)
                sock.sendall(b"zINSTREAM\0")
                for i in range(0, len(data), _CHUNK):
                    chunk = data[i : i + _CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as exc:
            raise ScanUnavailable(f"clamd did not answer: {exc}") from exc
        return _parse_clamd(reply.rstrip(b"\0").decode("utf-8", "replace"))

    def _scan_command(self, path: str, data: bytes) -> ScanResult:
        try:
            done = subprocess.run(  # nosec B603
                [path, "--no-summary", "-"],
                input=data,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ScanUnavailable(f"{os.path.basename(path)} failed: {exc}") from exc
        # Exit status: 0 clean, 1 virus found, 2 an error.
        if done.returncode == 0:
            return ScanResult(clean=True)
        if done.returncode == 1:
            return _parse_clamd(done.stdout.decode("utf-8", "replace").strip())
        raise ScanUnavailable(f"{os.path.basename(path)} exited with {done.returncode}")


def _parse_clamd(reply: str) -> ScanResult:
    # "stream: OK" or "stream: Eicar-Test-Signature FOUND" ("stdin: ..." from the commands).
    last = reply.strip().splitlines()[-1] if reply.strip() else ""
    if last.endswith(" OK"):
        return ScanResult(clean=True)
    if last.endswith(" FOUND"):
        name = last.rsplit(":", 1)[-1].strip()[: -len(" FOUND")].strip()
        return ScanResult(clean=False, name=name or "unknown")
    raise ScanUnavailable(f"ClamAV answered something unexpected: {last[:100]!r}")


def make_scanner(config: Mapping[str, Any]) -> Scanner:
    """The scanner ``VIRUS_SCAN`` names: "off" or "clamav"."""
    kind = str(config.get("VIRUS_SCAN", "off") or "off").lower()
    if kind == "off":
        return NoScanner()
    if kind == "clamav":
        return ClamdScanner(
            config.get("CLAMD_SOCKET") or None, float(config.get("VIRUS_SCAN_TIMEOUT_S", 60))
        )
    raise RuntimeError(f"VIRUS_SCAN: '{kind}' is not one of off, clamav")


def scan(scanner: Scanner, data: bytes) -> ScanResult:
    """Scan ``data``; a scanner that cannot be reached counts as not clean (fail closed)."""
    try:
        return scanner.scan(data)
    except ScanUnavailable:
        return ScanResult(clean=False, name=None)
