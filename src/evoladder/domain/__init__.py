"""Pure rules of the ladder. No I/O, no framework imports, no project imports outside `domain`.

Everything here is deterministic given its inputs (time and randomness are passed in), so it can
be tested exhaustively and reused by the simulator.
"""
