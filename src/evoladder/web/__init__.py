"""The public web front-end: server-rendered pages and a read-only JSON API over the services.

Layer: a front-end, beside ``discord_bot``. Routes parse the request, call one service read, map the
result through ``present`` into a per-use schema (``schemas``) and render it (Jinja2 or JSON). No SQL,
no rating or ranking rule lives here. Private fields (Discord ids, BattleTags unless published, ban
reasons) never reach a schema: players appear under their public id (``services.public_ids``).

``create_app(ladder)`` builds the ASGI app; nothing is built at import time. ``server`` runs it with
uvicorn inside the ladder's event loop (``evoladder run``) or alone (``evoladder web``).
"""

from evoladder.web.app import create_app
from evoladder.web.state import WebOptions

__all__ = ["WebOptions", "create_app"]
