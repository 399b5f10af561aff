"""Per-area route lists of the inspections pages."""
