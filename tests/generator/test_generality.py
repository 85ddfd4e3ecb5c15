"""A spec the generator has never been tuned for, with every OpenAPI 3.0 feature it promises
(``tests/specs/generality.yml``, declared ``openapi: 3.0.4``): the package generates without a
warning, passes ``mypy --strict`` with a user program over every operation, and its client and
stubs agree on the wire for each feature.
"""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from support.generator import generate_package, imported, user_program_type_checks
from support.paths import SPECS

from paperspace_deployments_toolkit.emulator.asgi_transport import SyncASGITransport

USER_PROGRAM = """
from generality import AsyncClient, Client, models


def use(client: Client) -> list[object]:
    tree: models.TreeNode = client.op_123_get_node("n1", depth=2, x_request_tag="t", session="s")
    item: models.Item = client.class_("n1", meta=models.Meta(), value=models.Value("text"))
    same: models.Item = client.class_("n1", meta={"owner": {"emails": []}})
    created = client.list_items_create(label="a", tags=None)
    shapes: list[models.Shape] = client.search(q="round")
    data: bytes = client.download_file("a.bin")
    client.upload_file("a.bin", b"\\x00\\x01")
    echoed: str = client.add_note("hello")
    client.submit_form(name="n", count=2)
    client.upload_parts(title="t", file=b"\\x89PNG")
    return [tree, item, same, created, shapes, data, echoed]


async def use_async(client: AsyncClient) -> bytes:
    return await client.download_file("a.bin")
"""


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, warnings = generate_package(tmp_path_factory, SPECS / "generality.yml", "generality")
    assert "warning" not in warnings, warnings
    return out


@pytest.fixture(scope="module")
def generality(package_dir: Path) -> Iterator[ModuleType]:
    with imported("generality", package_dir) as package:
        yield package


def test_the_package_and_a_user_program_of_every_operation_pass_mypy_strict(package_dir: Path) -> None:
    user_program_type_checks(package_dir, "generality", USER_PROGRAM)


class Wire:
    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        request.read()
        return self.answers.pop(0) if self.answers else httpx.Response(204)


def _client(generality: ModuleType, wire: Wire, **options: Any) -> Any:
    http = httpx.Client(transport=httpx.MockTransport(wire))
    return generality.Client(api_key="user:secret", http_client=http, **options)


def test_the_first_server_is_the_default_base_url(generality: ModuleType) -> None:
    wire = Wire(httpx.Response(200, content=b"x"))
    _client(generality, wire).download_file("a.bin")
    assert str(wire.requests[0].url) == "https://api.example.test/v2/files/a.bin"


def test_parameters_in_path_query_header_and_cookie(generality: ModuleType) -> None:
    wire = Wire(httpx.Response(200, json={"id": "n1"}))
    _client(generality, wire).op_123_get_node("n 1", depth=2, x_request_tag="tag", session="s-1")
    request = wire.requests[0]
    assert request.url.raw_path == b"/v2/nodes/n%201?depth=2"
    assert (request.headers["X-Request-Tag"], request.headers["Cookie"]) == ("tag", "session=s-1")


BASIC = "Basic " + base64.b64encode(b"user:secret").decode()
BEARER_T = {"Authorization": "Bearer t"}


@pytest.mark.parametrize(
    ("call", "answer", "where", "expected"),
    [
        (lambda c: c.op_123_get_node("n"), {"id": "n"}, "authorization", "Bearer user:secret"),
        (lambda c: c.list_items_create(label="a"), {"id": "i"}, "x-api-key", "user:secret"),
        (lambda c: c.search(q="x"), [], "query api_key", "user:secret"),
        (lambda c: c.upload_file("f", b"1"), None, "authorization", BASIC),
    ],
    ids=["bearer", "api-key-header", "api-key-query", "basic"],
)
def test_the_key_goes_where_each_operations_security_scheme_says(
    generality: ModuleType, call: Any, answer: Any, where: str, expected: str
) -> None:
    wire = Wire(httpx.Response(200, json=answer) if answer is not None else httpx.Response(204))
    call(_client(generality, wire))
    request = wire.requests[0]
    found = request.url.params.get("api_key") if where == "query api_key" else request.headers.get(where)
    assert found == expected
    if where != "authorization":
        assert "authorization" not in request.headers, "the key is sent only where the scheme says"


def test_bodies_of_every_media_type(generality: ModuleType) -> None:
    wire = Wire(httpx.Response(204), httpx.Response(200, text="echo", headers={"content-type": "text/plain"}))
    client = _client(generality, wire)
    client.upload_file("f", b"\x00\xff")
    assert client.add_note("héllo") == "echo"
    client.submit_form(name="n", count=2, tags=["a", "b"])
    client.upload_parts(title="t", file=b"\x89PNG", pages=[b"p1", b"p2"])
    octets, text, form, multipart = wire.requests
    assert (octets.headers["content-type"], octets.content) == ("application/octet-stream", b"\x00\xff")
    assert (text.headers["content-type"], text.content) == ("text/plain", "héllo".encode())
    assert form.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form.content == b"name=n&count=2&tags=a&tags=b"
    assert multipart.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="title"\r\n\r\nt' in multipart.content and b"\x89PNG" in multipart.content
    assert multipart.content.count(b'form-data; name="pages"') == 2


def test_recursive_one_of_any_of_and_all_of_answers_parse(generality: ModuleType) -> None:
    tree = {"id": "root", "children": [{"id": "a", "children": [{"id": "b", "note": None}]}]}
    wire = Wire(
        httpx.Response(200, json=tree),
        httpx.Response(200, json=[{"radius": 1.5}, {"side": 2}]),
        httpx.Response(200, json={"id": "i1", "label": "x", "created": None}),
    )
    client = _client(generality, wire)
    node = client.op_123_get_node("root")
    assert node.children[0].children[0].id == "b"
    circle, square = client.search(q="x")
    assert (type(circle.root).__name__, type(square.root).__name__) == ("Circle", "Square")
    item = client.list_items_create(label="x")
    assert (item.id, item.label, item.created) == ("i1", "x", None)


def test_inline_schemas_at_depth_and_colliding_names_become_models(generality: ModuleType) -> None:
    models = generality.models
    assert {"Item", "Item2", "ClassRequest", "ClassRequest2", "Meta", "Owner", "Email"} <= set(vars(models))
    wire = Wire(httpx.Response(200, json={"id": "i"}))
    owner = models.Owner(emails=[models.Email(address="a@b.c")])
    _client(generality, wire).class_("n1", meta=models.Meta(owner=owner), value=models.Value(3))
    assert json.loads(wire.requests[0].content) == {"meta": {"owner": {"emails": [{"address": "a@b.c"}]}}, "value": 3}


class EchoBackend:
    """Answers each operation with what it received, to show the stubs parsed it."""

    def __init__(self, generality: ModuleType) -> None:
        self.models = generality.models
        self.seen: list[Any] = []

    async def download_file(self, context: Any, name: str) -> bytes:
        return f"content of {name}".encode()

    async def upload_file(self, context: Any, name: str, body: bytes) -> None:
        self.seen.append((context.principal, name, body))

    async def add_note(self, context: Any, body: str) -> str:
        return body.upper()

    async def submit_form(self, context: Any, body: Any) -> None:
        self.seen.append(body)

    async def upload_parts(self, context: Any, body: Any) -> None:
        self.seen.append(body)

    async def search(self, context: Any, *, q: str) -> list[Any]:
        self.seen.append(context.principal)
        return [self.models.Shape(self.models.Circle(radius=1.0))]


def _against_stubs(generality: ModuleType, backend: EchoBackend, api_key: str = "user:secret") -> Any:
    app = generality.server.create_app(backend)
    http = httpx.Client(transport=SyncASGITransport(app))
    return generality.Client(api_key=api_key, base_url="http://testserver/v2", http_client=http, max_retries=0)


def test_client_and_stubs_agree_on_every_body_and_answer_kind(generality: ModuleType) -> None:
    importlib.import_module("generality.server")
    backend = EchoBackend(generality)
    client = _against_stubs(generality, backend)
    assert client.download_file("a.bin") == b"content of a.bin"
    client.upload_file("a.bin", b"\x00\x01")
    assert client.add_note("quiet") == "QUIET"
    client.submit_form(name="n", count=2, tags=["a", "b"], extra={"a": 1})
    client.submit_form(name="", tags=["only"])
    client.upload_parts(title="t", file=b"\x89PNG", pages=[b"p1", b"p2"])
    assert [s.root.radius for s in client.search(q="round")] == [1.0]
    upload, form, blank, parts, searcher = backend.seen
    assert upload == ("user:secret", "a.bin", b"\x00\x01")  # basic auth reaches the authenticator decoded
    assert (form.name, form.count, form.tags, form.extra.a) == ("n", 2, ["a", "b"], 1)
    assert (blank.name, blank.tags) == ("", ["only"])
    assert (parts.title, parts.file, parts.pages) == ("t", b"\x89PNG", [b"p1", b"p2"])
    assert searcher == "user:secret"  # the API key from the query string


def test_the_stubs_refuse_a_call_without_the_credential_its_scheme_wants(generality: ModuleType) -> None:
    importlib.import_module("generality.server")
    app = generality.server.create_app(EchoBackend(generality))
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver/v2") as http:
        missing = http.get("/search", params={"q": "x"})
        other_scheme = http.get("/search", params={"q": "x"}, headers={"Authorization": "Bearer t"})
        right_scheme = http.get("/search", params={"q": "x", "api_key": "k"})
        form = http.post("/forms", content=b"count=many", headers={"content-type": "application/x-www-form-urlencoded"})
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver/v2") as http:
        not_text = http.post("/notes", content=b"\xff", headers={"content-type": "text/plain", **BEARER_T})
    assert not_text.status_code == 400 and not_text.json()["details"][0]["location"] == "text"
    assert missing.status_code == 401 and "the query 'api_key'" in missing.json()["message"]
    assert other_scheme.status_code == 401, "a bearer token does not open an operation secured by an API key"
    assert right_scheme.status_code == 200
    assert form.status_code in {400, 401}
