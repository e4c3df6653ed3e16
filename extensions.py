"""The Flask extension objects, made unbound here and bound by ``app.create_app``.

Views import them from this module (``from extensions import limiter``), never from
``app``: ``app`` imports the views, so views importing ``app`` made an import circle.
"""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
talisman = Talisman()
