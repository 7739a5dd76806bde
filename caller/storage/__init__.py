"""Persistence of the queue: tables, migrations, the database handle and the repository."""
