"""Pages of the inspections app, one module per area (``urls.py`` routes to the modules)."""
