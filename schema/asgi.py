"""The ASGI entry point for uvicorn: ``uvicorn schema.asgi:app``.

Settings come from the environment (TIREK_*), so every worker process builds
the same application.
"""

from schema.wiring import build_application

app = build_application()
