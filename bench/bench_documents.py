"""Benchmark of the document core: letters, packs, PDF conversion.

    .venv/bin/python bench/bench_documents.py [--letters N] [--sections N] [--no-pdf]

Each figure is printed with a floor measured in the same run on the same machine, so the
ratio says how much the product adds to the unavoidable work:

* letter rendering against python-docx opening and saving the same template;
* pack assembly against python-docx opening and saving the finished pack;
* PDF conversion against soffice converting a one-page document.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from document_templates.build_templates import TEMPLATES_DIR  # noqa: E402
from document_templates.contexts import DEMO_CONTEXTS  # noqa: E402
from document_templates.pack import KeyValue, PackSection, Paragraph, Table, assemble_docx  # noqa: E402
from document_templates.pdf import convert_to_pdf  # noqa: E402
from document_templates.render import clear_template_cache, render_docx  # noqa: E402

LETTER = "outcome_board_chair.docx"
LOREM = (
    "The agency's involvement began with a referral from the GP practice about the family's "
    "housing conditions. Practitioners visited twice and recorded concerns about the adult's "
    "mobility and self-neglect; the analysis considers why the information was not shared. "
)


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.1f} ms (min {min(values) * 1000:.1f})"


def _open_save(data: bytes) -> bytes:
    out = io.BytesIO()
    Document(io.BytesIO(data)).save(out)
    return out.getvalue()


def bench_letter(repeat: int) -> None:
    template = (TEMPLATES_DIR / LETTER).read_bytes()
    context = DEMO_CONTEXTS[LETTER]
    render_docx(template, context)  # warm the compiled-template cache and imports
    cached = _timed(lambda: render_docx(template, context), repeat)

    def uncached() -> None:
        clear_template_cache()
        render_docx(template, context)

    cold = _timed(uncached, max(repeat // 4, 3))
    floor = _timed(lambda: _open_save(template), repeat)
    ratio = statistics.median(cached) / statistics.median(floor)
    print(
        f"letter render ({LETTER}, cached):   {_ms(cached)}  "
        f"= {1 / statistics.median(cached):.0f} docs/s"
    )
    print(f"letter render (compiling each time): {_ms(cold)}")
    print(f"  floor python-docx open+save:       {_ms(floor)}  -> ratio {ratio:.2f}x")


def pack_sections(n: int) -> list[PackSection]:
    """A realistic pack: per case a level-1 section, level-2 agency returns with chronologies."""
    sections = []
    for i in range(n):
        if i % 4 == 0:
            sections.append(
                PackSection(
                    f"Case OP-2025-{i:04d}: referral and screening",
                    1,
                    [
                        KeyValue(
                            [
                                ("Reference", f"OP-2025-{i:04d}"),
                                ("Review considered", "SAR"),
                                ("Referrer", "Adult Social Care"),
                                ("Date of death", "12 January 2025"),
                            ]
                        ),
                        Paragraph(LOREM * 4),
                    ],
                )
            )
        else:
            rows = [
                [
                    f"2024-{1 + r % 12:02d}-{1 + r % 27:02d}",
                    "Community health",
                    LOREM[:140],
                    "Known",
                ]
                for r in range(40)
            ]
            sections.append(
                PackSection(
                    f"Agency return {i}: chronology and analysis",
                    2,
                    [
                        Paragraph(LOREM * 3),
                        Table(["Date", "Agency", "Entry", "Status"], rows),
                        Paragraph(LOREM * 2),
                    ],
                )
            )
    return sections


def bench_pack(n_sections: int, workdir: Path) -> Path:
    cover = {k: v for k, v in DEMO_CONTEXTS["pack_master.docx"].items() if k != "recipient_name"}
    sections = pack_sections(n_sections)
    start = time.perf_counter()
    data = assemble_docx(sections, cover=cover, recipient_name="Dr Aisha Bello")
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    assemble_docx(sections, cover=cover, recipient_name="Dr Aisha Bello")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    floor = _timed(lambda: _open_save(data), 3)
    path = workdir / "pack.docx"
    path.write_bytes(data)
    print(
        f"pack assembly ({n_sections} sections, {len(data) / 1e6:.1f} MB .docx): {elapsed:.2f} s, "
        f"Python heap peak {peak / 1e6:.0f} MB"
    )
    print(
        f"  floor python-docx open+save of the pack: {statistics.median(floor):.2f} s "
        f"-> ratio {elapsed / statistics.median(floor):.2f}x"
    )
    return path


def bench_pdf(pack: Path, workdir: Path) -> None:
    one_page = workdir / "one_page.docx"
    one_page.write_bytes(render_docx(TEMPLATES_DIR / "agenda.docx", DEMO_CONTEXTS["agenda.docx"]))
    floor = _timed(lambda: convert_to_pdf([one_page], workdir / "floor"), 2)
    floor_s = statistics.median(floor)
    print(f"pdf floor: soffice, 1-page document:  {floor_s:.2f} s")

    letters = []
    for name in sorted(DEMO_CONTEXTS):
        if name == "pack_master.docx":
            continue
        path = workdir / "letters" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(render_docx(TEMPLATES_DIR / name, DEMO_CONTEXTS[name]))
        letters.append(path)
    start = time.perf_counter()
    convert_to_pdf(letters, workdir / "letters-pdf")
    batch = time.perf_counter() - start
    print(
        f"pdf: {len(letters)} letters in one call:       {batch:.2f} s -> ratio {batch / floor_s:.2f}x"
    )

    start = time.perf_counter()
    (plain,) = convert_to_pdf([pack], workdir / "pack-plain")
    plain_s = time.perf_counter() - start
    pages = len(PdfReader(str(plain)).pages)
    print(
        f"pdf: pack, {pages} pages, no contents update: {plain_s:.2f} s -> ratio {plain_s / floor_s:.2f}x"
    )

    start = time.perf_counter()
    convert_to_pdf([pack], workdir / "pack-toc", update_toc=True)
    toc_s = time.perf_counter() - start
    print(
        f"pdf: pack, contents list with page numbers: {toc_s:.2f} s -> ratio {toc_s / floor_s:.2f}x"
    )
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  soffice peak resident memory: {child_peak:.0f} MB")


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description="Benchmark the document core.")
    parser.add_argument("--letters", type=int, default=40, help="renders to time")
    parser.add_argument("--sections", type=int, default=150, help="sections in the pack")
    parser.add_argument("--no-pdf", action="store_true", help="skip LibreOffice")
    args = parser.parse_args()
    bench_letter(args.letters)
    with tempfile.TemporaryDirectory(prefix="onepanel-bench-") as tmp:
        work = Path(tmp)
        pack = bench_pack(args.sections, work)
        if not args.no_pdf:
            bench_pdf(pack, work)


if __name__ == "__main__":
    main()
