"""The HTTP shell: the FastAPI app, its tiers, keys, limits, negotiation and errors."""
