"""Where pack builds run: never in the web request.

``thread`` (the default, for one-machine deployments and ``make run``) runs builds one at
a time on a background thread of the web process. ``rq`` puts them on a Redis queue for
``rq worker onepanel-packs`` processes (several web workers, a separate build machine).
Both call ``workflow.packs.build_pack``.
"""

from __future__ import annotations

import logging
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from flask import Flask

log = logging.getLogger("onepanel.packs")
QUEUE_NAME = "onepanel-packs"


class PackWorker(Protocol):
    def enqueue(self, build_id: int) -> None: ...


def make_converter(app: Flask) -> Any:
    """The PDF converter the configuration asks for (None: .docx editions only)."""
    choice = app.config.get("PDF_CONVERTER", "libreoffice")
    if choice == "none":
        return None
    from document_templates.pdf import LibreOfficeConverter

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        log.warning("LibreOffice is not installed: packs are built as .docx only")
        return None
    return LibreOfficeConverter(soffice, timeout_s=float(app.config.get("PDF_TIMEOUT_S", 600)))


def run_build(app: Flask, build_id: int) -> None:
    """Build a pack inside an application context (used by both workers)."""
    from storage import db
    from workflow.packs import build_pack

    with app.app_context():
        try:
            build_pack(
                build_id,
                partnership=app.extensions["partnership"],
                store=app.extensions["file_store"],
                converter=make_converter(app),
            )
        except Exception:  # recorded on the build row by build_pack; keep the worker alive
            log.exception("Pack build %s failed", build_id)
        finally:
            db.Session.remove()


class ThreadWorker:
    def __init__(self, app: Flask) -> None:
        self.app = app
        # One build at a time: LibreOffice conversions are CPU- and memory-heavy.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pack-build")
        self.futures: list[Future[None]] = []

    def enqueue(self, build_id: int) -> None:
        self.futures.append(self.executor.submit(run_build, self.app, build_id))

    def wait(self, timeout: float | None = None) -> None:
        """Wait for queued builds (tests and shutdown)."""
        for future in list(self.futures):
            future.result(timeout=timeout)


def rq_job(build_id: int) -> None:
    """The job an ``rq worker`` runs: builds in an app made from the environment."""
    from app import create_app

    run_build(create_app(), build_id)


class RQWorker:
    def __init__(self, redis_url: str) -> None:
        from redis import Redis
        from rq import Queue

        self.queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))

    def enqueue(self, build_id: int) -> None:
        self.queue.enqueue(rq_job, build_id, job_timeout=1800)


def make_worker(app: Flask) -> PackWorker:
    kind = app.config.get("PACK_WORKER", "thread")
    if kind == "rq":
        return RQWorker(app.config["REDIS_URL"])
    if kind == "thread":
        return ThreadWorker(app)
    raise ValueError(f"PACK_WORKER: '{kind}' is not one of thread, rq")
