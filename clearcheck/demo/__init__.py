"""The demo county (东阿县): realistic data generated through the platform's own services."""
