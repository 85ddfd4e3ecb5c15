"""Run by the Python of openapi-python-client's virtualenv (see tests/test_client_crosscheck.py):
makes each call of a JSON list with the client that tool generated and prints, as JSON, the
request each one put on the wire. Usage: python opc_requests.py PACKAGE_PARENT PACKAGE CALLS.json
"""

import datetime
import importlib
import inspect
import json
import pkgutil
import sys

import httpx

parent, package_name, calls_file = sys.argv[1:4]
sys.path.insert(0, parent)
package = importlib.import_module(package_name)
client_module = importlib.import_module(f"{package_name}.client")
api = importlib.import_module(f"{package_name}.api")
operations = {}
for tag in pkgutil.iter_modules(api.__path__):
    tag_module = importlib.import_module(f"{package_name}.api.{tag.name}")
    for op in pkgutil.iter_modules(tag_module.__path__):
        operations[op.name] = importlib.import_module(f"{package_name}.api.{tag.name}.{op.name}")

sent = []


def record(request):
    sent.append(request)
    return httpx.Response(202)  # a status no operation documents: nothing to parse


client = client_module.AuthenticatedClient(
    base_url="http://api.test/v1", token="k", httpx_args={"transport": httpx.MockTransport(record)}
)
results = []
with open(calls_file) as calls:
    todo = json.load(calls)
for call in todo:
    function = operations[call["operation"]].sync_detailed
    parameters = inspect.signature(function).parameters
    kwargs = {}
    for name, value in call["query"].items():
        if "datetime" in str(parameters[name].annotation):
            value = datetime.datetime.fromisoformat(value)
        kwargs[name] = value
    if call["body"] is not None:
        body_type = parameters["body"].annotation
        kwargs["body"] = body_type.from_dict(call["body"])
    function(*call["path"], client=client, **kwargs)
    request = sent.pop()
    results.append(
        {
            "method": request.method,
            "path": request.url.raw_path.decode().split("?")[0],
            "query": sorted(request.url.params.multi_items()),
            "body": json.loads(request.content) if request.content else None,
        }
    )
print(json.dumps(results))
