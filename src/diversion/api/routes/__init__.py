"""One router per resource, included by `api.app.create_app` in this order (the OpenAPI
schema lists the paths in it)."""
