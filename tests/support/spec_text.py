"""Small specs written inline, loaded as the generator loads a file."""

from __future__ import annotations

import textwrap
from pathlib import Path

from paperspace_deployments_toolkit.generator.loader import SourceDocument, load_document

SPEC = """\
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {in: query, name: after, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: string}}
                  more: {type: boolean}
                  cursor: {type: string}
      tags: [a, b]
"""


def load_text(tmp_path: Path, name: str, text: str) -> SourceDocument:
    """``text`` (dedented) written to ``tmp_path/name`` and loaded."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return load_document(path, name)
