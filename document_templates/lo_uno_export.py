"""Export .docx files to PDF with their indexes (contents lists) updated, in ONE LibreOffice
session: ``python3 lo_uno_export.py PROFILE_DIR OUT_DIR FILE.docx [FILE.docx ...]``.

Run by the system Python that has LibreOffice's ``uno`` module (Debian: python3-uno), not
by the project's virtual environment. Headless ``soffice --convert-to`` never updates a
contents list; through UNO each document is loaded, its indexes updated, and exported
with PDF bookmarks, so a pack costs one conversion instead of two.
"""

from __future__ import annotations

import os
import subprocess  # nosec B404: starts soffice with fixed arguments
import sys
import time
import uuid


def main() -> int:
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name: str, value: object) -> PropertyValue:
        p = PropertyValue()
        p.Name = name
        p.Value = value
        return p

    profile, out_dir, *files = sys.argv[1:]
    pipe = f"onepanel{uuid.uuid4().hex}"
    proc = subprocess.Popen(  # nosec B603 B607: fixed arguments, soffice from PATH
        [
            "soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
            "--nolockcheck", f"-env:UserInstallation=file://{profile}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        ctx = None
        for _ in range(600):  # up to 30 s for soffice to start
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if proc.poll() is not None:
                    sys.stderr.write("soffice exited while starting\n")
                    return 2
                time.sleep(0.05)
        if ctx is None:
            sys.stderr.write("soffice did not start\n")
            return 2
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        filter_data = uno.Any(
            "[]com.sun.star.beans.PropertyValue", (prop("ExportBookmarks", True),)
        )
        for path in files:
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, (prop("Hidden", True),)
            )
            indexes = doc.getDocumentIndexes()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            doc.refresh()
            stem = os.path.splitext(os.path.basename(path))[0]
            target = os.path.join(os.path.abspath(out_dir), f"{stem}.pdf")
            doc.storeToURL(
                uno.systemPathToFileUrl(target),
                (prop("FilterName", "writer_pdf_Export"), prop("FilterData", filter_data)),
            )
            doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge closes as soffice exits
            pass
        proc.wait(timeout=60)
        return 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
