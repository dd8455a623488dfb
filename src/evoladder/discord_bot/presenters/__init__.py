"""Pure presenters: a service result plus a ``Texts`` in, message text, embeds and component specs out.

No I/O and no Discord calls happen here, so every screen can be checked without a bot.
"""
