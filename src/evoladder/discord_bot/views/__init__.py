"""Components. Persistent ones are ``DynamicItem``s whose ``custom_id`` carries the action, the owner and
the ids they act on (``evo:<feature>:<action>:<owner>[:<args>]``); every class in ``PERSISTENT_ITEMS``
is registered at start-up, so a button keeps working after a restart and acts on stored state.
"""

from evoladder.discord_bot.views.admin import ADMIN_ITEMS
from evoladder.discord_bot.views.leaderboard import LEADERBOARD_ITEMS
from evoladder.discord_bot.views.match import MATCH_ITEMS
from evoladder.discord_bot.views.prune import PRUNE_ITEMS
from evoladder.discord_bot.views.queue import QUEUE_ITEMS
from evoladder.discord_bot.views.report import REPORT_ITEMS
from evoladder.discord_bot.views.setcountry import SETCOUNTRY_ITEMS
from evoladder.discord_bot.views.setup import SETUP_ITEMS
from evoladder.discord_bot.views.tos import TOS_ITEMS

PERSISTENT_ITEMS = (
    *TOS_ITEMS,
    *SETUP_ITEMS,
    *SETCOUNTRY_ITEMS,
    *LEADERBOARD_ITEMS,
    *QUEUE_ITEMS,
    *MATCH_ITEMS,
    *REPORT_ITEMS,
    *PRUNE_ITEMS,
    *ADMIN_ITEMS,
)

__all__ = ["PERSISTENT_ITEMS"]
