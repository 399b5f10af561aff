"""The demo county (东阿县): realistic data generated through the platform's own services.

An app installed only for the demo (``CLEARCHECK_DEMO=1``, which ``make run`` sets): a production install
has no ``demo_load``, no ``demo_accounts`` and no demo password.
"""
