"""The ASGI entry point for uvicorn: ``uvicorn tirek.asgi:app``.

Settings come from the environment (TIREK_*), so every worker process builds
the same application.
"""

from tirek.app import build_application

app = build_application()
