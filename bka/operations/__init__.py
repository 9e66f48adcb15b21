"""Operations that run outside a request and may call other programs (pg_dump, pg_restore).

Plain Python over SQLAlchemy URLs and paths: no Flask. The `bka` commands in bka/cli.py are thin
wrappers that take the settings from the app and print the results.
"""
