"""Workers: CPU-bound or untrusted work, kept off the event loop.

Replay files are untrusted input parsed by a large third-party library (sc2reader), so parsing runs
in separate, pre-warmed processes (``pool.ParserPool``) with a timeout, a memory cap and crash
isolation. ``parse.parse_replay_bytes`` is the pure in-process step those processes run; it turns
bytes into a ``domain.replay.ReplaySummary`` and never touches the network.

This layer imports ``domain`` only; services import it.
"""
