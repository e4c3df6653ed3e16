"""The Flask application factory: extensions, blueprints, error pages, headers, CLI.

Nothing else lives here: the domain is in ``workflow/``, persistence in ``storage/``,
views in ``views/``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException

from config import BASE_DIR, Config, from_env
from extensions import csrf, limiter, login_manager, talisman
from forms import load_definitions
from notify import make_mailer
from partnerships import load_partnership
from storage import db
from storage.files import LocalFileStore

log = logging.getLogger("onepanel")

# Content Security Policy: our own origin only; inline scripts need the per-request nonce.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config_class: type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the application for ``config_class``; ``overrides`` replace single settings.

    Without a class, ONEPANEL_ENV chooses one (production unless it says development).
    """
    if config_class is None:
        config_class = from_env()
    app = Flask(
        __name__,
        instance_path=str(Path(overrides.get("INSTANCE_PATH") or config_class.INSTANCE_PATH)),
        static_folder=str(BASE_DIR / "static"),
        template_folder=str(BASE_DIR / "templates"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set: set it in the environment (see README.md)")
    from storage import crypto

    try:
        crypto.configure(app.config.get("DATA_ENCRYPTION_KEYS") or (), app.config["SECRET_KEY"])
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    # The partnership this deployment serves; a wrong file stops start-up here.
    partnership = load_partnership(app.config["PARTNERSHIP"])
    app.extensions["partnership"] = partnership

    url = app.config.get("SQLALCHEMY_URL") or config_class.database_url(app.instance_path)
    db.configure(url)
    app.extensions["file_store"] = LocalFileStore(
        app.config.get("FILE_STORE_PATH") or Path(app.instance_path) / "files"
    )
    app.extensions["mailer"] = make_mailer(app.config, app.instance_path)
    from worker import make_worker

    app.extensions["pack_worker"] = make_worker(app)
    # Form definitions: a mistake in a YAML file stops start-up naming file and path.
    app.extensions["form_definitions"] = load_definitions()

    _init_templates(app)
    _init_security(app)
    _init_login(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_cli(app)

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        db.Session.remove()

    return app


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    from views import filters

    filters.register(app)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "partnership": app.extensions["partnership"],
            "has_endpoint": lambda name: name in app.view_functions,
        }


def _init_security(app: Flask) -> None:
    # Request limits before anything parses the body (registered before CSRFProtect's
    # check, which reads the form). Werkzeug applies MAX_FORM_MEMORY_SIZE and
    # MAX_FORM_PARTS to multipart bodies only; a url-encoded form is read whole, so it is
    # held to the same limits here.
    @app.before_request
    def _limit_urlencoded_forms() -> None:
        if request.mimetype != "application/x-www-form-urlencoded":
            return
        from werkzeug.exceptions import RequestEntityTooLarge

        request.max_content_length = app.config["MAX_FORM_MEMORY_SIZE"]
        if (request.content_length or 0) > app.config["MAX_FORM_MEMORY_SIZE"]:
            raise RequestEntityTooLarge()
        if request.get_data(cache=True).count(b"&") >= app.config["MAX_FORM_PARTS"]:
            raise RequestEntityTooLarge()

    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=True,
        strict_transport_security_max_age=31536000,
        strict_transport_security_include_subdomains=True,
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="no-referrer",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )

    @app.after_request
    def _no_store(response):  # type: ignore[no-untyped-def]
        # Pages may hold case data: never kept by browsers or proxies. Static assets may be.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store, max-age=0"
            response.headers["Pragma"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response

    # Uploads pass the virus scanner VIRUS_SCAN names before they are accepted.
    from storage.scan import make_scanner

    app.extensions["scanner"] = make_scanner(app.config)

    # Every refusal of an object (403, or 404 from a route that names one) is audited,
    # also where the view did not record it itself; views that did are not recorded twice.
    from sqlalchemy import event

    from storage.models import AuditEvent
    from views.account import note_denial

    if not event.contains(AuditEvent, "after_insert", note_denial):
        event.listen(AuditEvent, "after_insert", note_denial)

    @app.after_request
    def _audit_denials(response):  # type: ignore[no-untyped-def]
        rule = request.url_rule
        refused = response.status_code == 403 or (response.status_code == 404 and rule and rule.arguments)
        if refused and rule is not None and request.endpoint != "static" and not g.get("denial_audited"):
            from views.audit import record

            db.Session.rollback()  # a refused request writes nothing but its audit entry
            ids = {k: v for k, v in (request.view_args or {}).items() if isinstance(v, int)}
            record(
                "not_found" if response.status_code == 404 else "forbidden",
                outcome="denied",
                detail={"endpoint": request.endpoint, "ids": ids},
            )
        return response


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" protection clears the session if the client changes.
    login_manager.session_protection = "strong"

    from storage.models import User

    @login_manager.user_loader
    def _load_user(token: str) -> User | None:
        try:
            user_id, version = (int(p) for p in token.split(":", 1))
        except ValueError:
            return None
        user = db.Session.get(User, user_id)
        if user is None or not user.active or user.session_version != version:
            return None
        return user

    # Idle and absolute time-outs, enforced here whatever the browser does with its cookie.
    # The warning before it (WCAG 2.2.1) is templates/account/_timeout.html.
    import time

    from flask import flash, session
    from flask_login import current_user, logout_user

    passive = {"packs.status"}  # polled by a script: not the person being active

    @app.before_request
    def _session_timeouts() -> None:
        if request.endpoint == "static" or "_user_id" not in session:
            return
        if not current_user.is_authenticated:
            return
        now = time.time()
        last = session.get("last_seen")
        started = session.get("signed_in_at")
        idle = app.config["SESSION_IDLE_MINUTES"] * 60
        absolute = app.config["SESSION_ABSOLUTE_HOURS"] * 3600
        if last is None or started is None or now - last > idle or now - started > absolute:
            from views.audit import record

            reason = "absolute" if started is not None and now - started > absolute else "idle"
            record("session_expired", "user", current_user.id, detail={"reason": reason})
            logout_user()
            session.clear()
            flash(
                "You have been signed out because you had not used the service for "
                f"{app.config['SESSION_IDLE_MINUTES']} minutes. Sign in again to carry on."
                if reason == "idle"
                else "You have been signed out because you signed in a long time ago. Sign in again.",
                "info",
            )
            return
        if request.endpoint not in passive:
            session["last_seen"] = now


def _register_blueprints(app: Flask) -> None:
    from views import (
        account,
        admin,
        auth,
        main,
        meetings,
        packs,
        panel,
        refer,
        screening,
        secretariat,
    )

    for module in (main, auth, refer, secretariat, screening, packs, panel, admin, account, meetings):
        app.register_blueprint(module.bp)
    app.register_blueprint(packs.letters_bp)
    from views import templates_admin

    app.register_blueprint(templates_admin.bp)
    from views import annual_review

    app.register_blueprint(annual_review.bp)


def _register_error_handlers(app: Flask) -> None:
    def _page(code: int, template: str) -> tuple[str, int]:
        return render_template(f"errors/{template}.html"), code

    @app.errorhandler(CSRFError)
    def _csrf(_e: CSRFError) -> tuple[str, int]:
        log.info("CSRF refused: %s", _e.description)
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> Any:
        known = {400: "400", 403: "403", 404: "404", 405: "405", 413: "413", 429: "429"}
        if e.code in known:
            return _page(e.code, known[e.code])
        return e

    @app.errorhandler(Exception)
    def _unexpected(e: Exception) -> tuple[str, int]:
        # One handler for everything unexpected: roll back, log (no personal data), 500 page.
        db.Session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.endpoint)
        g.error_reference = getattr(g, "request_id", None)
        return render_template("errors/500.html"), 500


def _register_cli(app: Flask) -> None:
    from views import cli

    cli.register(app)
