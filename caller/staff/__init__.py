"""Staff accounts (工号, name, PIN, roles, the windows each may sign in to) and signing in at a counter.

rules.py is pure; book.py keeps the accounts and sessions in the caller's database; routes.py is the HTTP API;
cli.py the `onewindow staff` commands. May import engine, storage, queue and caller.auth.
"""
