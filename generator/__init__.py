"""Turns an OpenAPI 3.0 spec plus Overlay 1.0 documents into a typed Python package."""
