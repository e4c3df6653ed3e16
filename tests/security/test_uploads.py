"""The virus-scan hook (storage/scan.py), and how stored files are served."""

from __future__ import annotations

import os
import socket
import stat
import struct
import threading
from pathlib import Path

import pytest

from storage.scan import ClamdScanner, NoScanner, ScanResult, ScanUnavailable, make_scanner, scan

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_scanner_is_chosen_by_config(app) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(make_scanner({"VIRUS_SCAN": "off"}), NoScanner)
    assert isinstance(make_scanner({"VIRUS_SCAN": "clamav", "CLAMD_SOCKET": "/x"}), ClamdScanner)
    with pytest.raises(RuntimeError, match="VIRUS_SCAN: 'norton' is not one of off, clamav"):
        make_scanner({"VIRUS_SCAN": "norton"})
    assert isinstance(app.extensions["scanner"], NoScanner)
    assert NoScanner().scan(EICAR) == ScanResult(clean=True)


def _fake_clamd(path: Path, seen: list[bytes]) -> threading.Thread:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            command = b""
            while not command.endswith(b"\0"):
                command += conn.recv(1)
            assert command == b"zINSTREAM\0"
            data = b""
            while True:
                size = struct.unpack("!L", conn.recv(4, socket.MSG_WAITALL))[0]
                if size == 0:
                    break
                data += conn.recv(size, socket.MSG_WAITALL)
            seen.append(data)
            answer = b"stream: Eicar-Test-Signature FOUND\0" if b"EICAR" in data else b"stream: OK\0"
            conn.sendall(answer)
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("data,expected", [
    (EICAR, ScanResult(clean=False, name="Eicar-Test-Signature")),
    (b"%PDF-1.7 harmless" * 10000, ScanResult(clean=True)),
])
def test_clamd_socket_is_asked_with_instream(tmp_path, data, expected) -> None:  # type: ignore[no-untyped-def]
    sock = tmp_path / "clamd.ctl"
    seen: list[bytes] = []
    thread = _fake_clamd(sock, seen)
    assert ClamdScanner(str(sock), timeout=5).scan(data) == expected
    thread.join(5)
    assert seen == [data]


def test_clamscan_command_is_used_when_there_is_no_socket(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "clamscan"
    fake.write_text(
        "#!/bin/sh\nif grep -q EICAR; then echo 'stdin: Eicar-Test-Signature FOUND'; exit 1; fi\n"
        "echo 'stdin: OK'; exit 0\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    scanner = ClamdScanner(str(tmp_path / "no-socket"), timeout=5)
    assert scanner.scan(EICAR) == ScanResult(clean=False, name="Eicar-Test-Signature")
    assert scanner.scan(b"%PDF-1.7") == ScanResult(clean=True)


def test_clamav_asked_for_but_absent_fails_closed(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", str(tmp_path))
    scanner = ClamdScanner(str(tmp_path / "no-socket"))
    with pytest.raises(ScanUnavailable):
        scanner.scan(b"%PDF-1.7")
    assert scan(scanner, b"%PDF-1.7") == ScanResult(clean=False, name=None)


def test_every_download_route_sends_an_attachment_with_nosniff() -> None:
    # Every send_file in the views names as_attachment=True, except the page images the
    # service renders itself (PNG, shown beside the values read from them).
    root = Path(__file__).resolve().parents[2] / "views"
    inline = []
    for path in root.glob("*.py"):
        text = path.read_text()
        for chunk in text.split("send_file(")[1:]:
            call = chunk.split(")\n", 1)[0]
            if "as_attachment=True" not in call:
                inline.append((path.name, call.strip()[:60]))
    assert inline == [("screening.py", 'io.BytesIO(png), mimetype="image/png", max_age=0')]
