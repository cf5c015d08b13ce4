"""FastAPI app factory, routes, live feed."""
