"""evoladder: the ladder service for SC: Evo Complete.

Layers, with dependencies pointing one way (enforced by import-linter, see pyproject.toml):

    front-ends   cli/  web/  discord_bot/   translate between people and services; never decide
    app          app.py                     composition root: settings -> services; start/stop order
    services     services/                  the one application API; one transaction per user action
    store        store/                     SQLAlchemy tables, migrations, the only place SQL lives
    workers      workers/                   CPU-bound or untrusted work off the event loop
    datapack     datapack/                  a game's facts as data, loaded and validated once
    domain       domain/                    pure rules: rating, ranks, matching, match state machine
"""

__version__ = "0.1.0"
