"""OpenAPI description of the HIS token authentication (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class HisTokenScheme(OpenApiAuthenticationExtension):
    target_class = "procurement.api.authentication.HisTokenAuthentication"
    name = "HisToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token his_…`: a key issued to one hospital by its administrator (HIS API keys page).",
        }
