"""The child process that parses one PDF: ``python -m ingest._worker COMMAND``.

The request (a JSON line: arguments and limits) and then the PDF come on standard input;
the result goes to standard output. Address space, CPU time, file size and core dumps are
limited before anything is parsed, so a hostile file can only hurt this process.

Exit codes: 0 done; 3 the file was refused, the message to show is on standard output;
4 out of memory; 5 the parsing libraries failed on the file (details on standard error).
"""

from __future__ import annotations

import io
import json
import resource
import sys
import traceback
from typing import Any

EXIT_REFUSED = 3
EXIT_MEMORY = 4
EXIT_FAILED = 5

# A page image larger than this many pixels is drawn smaller: a page can declare any size.
MAX_IMAGE_PIXELS = 30_000_000


def _limit(memory_mb: int, cpu_s: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit ends the process; the hard limit is a backstop.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    # OCR writes page images to a temporary folder; nothing else is written.
    resource.setrlimit(resource.RLIMIT_FSIZE, (512 * 1024 * 1024, 512 * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def render_page(data: bytes, page: int, dpi: int, max_pages: int) -> bytes:
    """One page of the PDF as PNG bytes."""
    import pypdfium2 as pdfium

    from ingest.model import IngestError
    from ingest.reader import check_bytes

    check_bytes(data)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise IngestError("The PDF is damaged and cannot be read. Save it again and upload the new file.") from exc
    try:
        count = len(pdf)
        if count > max_pages:
            raise IngestError(f"The PDF has {count} pages; the most that can be read is {max_pages}.")
        if not 1 <= page <= count:
            raise IngestError(f"No such page: the PDF has {count} page{'s' if count != 1 else ''}.")
        pdf_page = pdf[page - 1]
        width, height = pdf_page.get_size()
        scale = max(1, min(dpi, 300)) / 72
        pixels = width * height * scale * scale
        if pixels > MAX_IMAGE_PIXELS:
            scale *= (MAX_IMAGE_PIXELS / pixels) ** 0.5
        image = pdf_page.render(scale=scale).to_pil()
        pdf_page.close()
    finally:
        pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def run(command: str, args: dict[str, Any], data: bytes) -> bytes:
    """Carry out one command on the PDF bytes and return what goes to standard output."""
    from ingest.model import IngestError, spec_from_json

    if command == "extract":
        from ingest.reader import read

        fields = [spec_from_json(f) for f in args["fields"]]
        result = read(data, fields, max_pages=int(args["max_pages"]), timeout_s=float(args["timeout_s"]))
        return json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")
    if command == "image":
        return render_page(data, int(args["page"]), int(args["dpi"]), int(args["max_pages"]))
    raise IngestError(f"Unknown command {command!r}.")


def main() -> int:
    """Read the request from standard input, parse under limits, write the result."""
    command = sys.argv[1]
    request = json.loads(sys.stdin.buffer.readline())
    _limit(int(request["memory_mb"]), max(1, int(request["cpu_s"])))
    data = sys.stdin.buffer.read()

    from ingest.model import IngestError

    try:
        out = run(command, request["args"], data)
    except IngestError as exc:
        sys.stdout.buffer.write(str(exc).encode("utf-8"))
        return EXIT_REFUSED
    except MemoryError:
        return EXIT_MEMORY
    except Exception:  # noqa: BLE001 - any failure inside the parsers is a file that cannot be read
        traceback.print_exc(file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
