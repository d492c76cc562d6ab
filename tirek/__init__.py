"""Tirek's composition root: the ``tirek`` command line (``cli``), the services a served process
runs (``wiring``) and the ASGI application (``app``, ``asgi``). Only this package puts the layers
together: marketplace/ (the domain) knows nothing of search/, schema/ or web/, and those know
nothing of this package."""
