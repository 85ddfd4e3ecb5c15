# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
__version__ = "0.2.1"
API_VERSION = "v1"  # the spec's info.version
