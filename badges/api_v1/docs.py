"""The browsable documentation and the schema's settings."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerDocs(SpectacularSwaggerSplitView):
    """Swagger UI from our static files (drf-spectacular-sidecar), its start script served
    as a file: the CSP allows no inline script and no CDN."""

    template_name = "badges/api/swagger_ui.html"


def only_v1(endpoints):
    """The schema describes /api/v1/ only (the older /api/assertions/issue/ stays undocumented)."""
    return [endpoint for endpoint in endpoints
            if endpoint[0].startswith("/api/v1/") and not endpoint[0].startswith(("/api/v1/schema", "/api/v1/docs"))]
