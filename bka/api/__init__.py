"""The JSON API, /api/v1: personal access tokens (Bearer) only, JSON errors everywhere.

Described by an OpenAPI 3.1 document (bka/api/openapi.py) served at /api/v1/openapi.json and
rendered as a page at /api/v1/docs. See docs/api.md. The blueprint is in bka/api/blueprint.py,
its routes in bka/api/views.py."""
