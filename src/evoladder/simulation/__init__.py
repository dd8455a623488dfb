"""The ladder simulator: a synthetic population played through the real services, in process.

A front-end like the CLI (it only calls services), used to compare matching strategies and rating
models on the same population with numbers instead of opinions.
"""
