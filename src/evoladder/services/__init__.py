"""The one application API every front-end calls (Discord bot, web, CLI).

Each mutating method is one database transaction, idempotent (repeats and concurrent duplicates
have exactly one effect), validates its typed inputs at the boundary and raises typed
``LadderError``s. Hot reads (players, ratings) come from memory kept consistent with the
database: caches are updated only after a commit succeeds, and any compare-and-set miss reloads
from the database.
"""
