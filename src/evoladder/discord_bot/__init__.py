"""The Discord front-end: slash commands, persistent buttons and DMs over the ladder's services.

Layer: a front-end (beside ``web`` and ``simulation``). It may import ``app``, ``services``, ``domain`` and
``i18n``; never ``store``. It translates between Discord and the services and decides nothing:
rules, SQL and rating math live below it.

- ``bot.EvoBot``: the client; loads the cogs listed in ``EXTENSIONS`` and the persistent items of
  ``views.PERSISTENT_ITEMS`` in ``setup_hook``, syncs slash commands only when their hash changed.
- ``gates``: every player command's common path (get-or-create the player, DM only, Terms/setup gates).
- ``errors``: the one place where errors become localized replies.
- ``texts``: catalog access bound to one user's language, and the command-name translator.
- ``cogs/``: one feature each; ``views/``: components (persistent ones are ``DynamicItem``s);
  ``presenters/``: pure functions from results to text and embeds.

See docs/discord.md for how to add a feature and how to test it with ``tests/discord_harness``.
"""

from evoladder.discord_bot.bot import EvoBot, create_bot

__all__ = ["EvoBot", "create_bot"]
