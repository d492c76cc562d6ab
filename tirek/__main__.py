"""``python -m tirek``: the ``tirek`` command line."""

from tirek.cli import app

app()
