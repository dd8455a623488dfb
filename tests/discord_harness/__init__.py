"""Drive the real bot through discord.py's own machinery; fake only Discord's servers.

- ``FakeDiscord`` (fake.py) answers every REST call the bot makes (``HTTPClient.request``,
  ``HTTPClient.get_from_cdn`` and the webhook adapter used for interaction responses) from memory:
  users, DM and guild channels, messages with snowflake ids, interactions and their responses.
- ``BotHarness`` (harness.py) builds a ladder and the bot on a database, logs in (which runs
  ``setup_hook``), feeds gateway events (``INTERACTION_CREATE``, ``MESSAGE_CREATE``) into the client's
  connection state, waits until the bot has finished handling them, and can restart on the same DB.

See docs/discord.md, "Testing with the harness".
"""

from discord_harness.fake import FakeDiscord, FakeMessage, FakeUser, InteractionRecord
from discord_harness.harness import BotHarness

__all__ = ["BotHarness", "FakeDiscord", "FakeMessage", "FakeUser", "InteractionRecord"]
