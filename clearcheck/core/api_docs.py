"""The API's documentation page, /api/docs (issue 20, Deliver 4).

Ninja's Swagger UI, with its assets from the platform (``ninja`` is an installed app, so nothing comes from a
CDN), under the site's Content-Security-Policy (``core.csp``): the page has no inline script (Swagger UI's
settings are a JSON data block read by Ninja's ``swagger-ui-init.js``), its script tags carry the request's
nonce, and Swagger UI's online validator badge, an image fetched from validator.swagger.io, is turned off.
"""

from ninja.openapi.docs import Swagger


class ApiDocs(Swagger):
    """Swagger UI rendered from ``core/api_docs.html``, fetching nothing from outside the platform."""

    template = "core/api_docs.html"

    def __init__(self):
        super().__init__(settings={"validatorUrl": None})
