"""PDF rendering for bka, kept free of Flask and of the bka package.

It takes plain data and a translation function and returns PDF bytes; the ruff configuration
in this folder forbids importing Flask or bka here.
"""
