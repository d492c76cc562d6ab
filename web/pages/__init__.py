"""The portal's pages: one module per journey, each page an ``async def (portal, request)``."""
