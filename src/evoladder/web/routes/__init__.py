"""Routers: ``pages`` (HTML), ``api`` (JSON under ``/api/v1``), ``health`` (probes and metrics).

Later slices add their own routers here (stats, the live queue over SSE) without touching these.
"""
