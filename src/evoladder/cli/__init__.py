"""Command-line front-end (typer). Translates arguments to service calls and results to text."""
