"""What a server's answers must show of the spec that was sent: one home for the rules and the model.

Every field sent must come back with the value sent. A server may add what was not sent (a
default it records, a field of its own), and may fill in members of a policy object the client
left out (``autoscaling``); a map of the user's (``env``) and lists come back exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

SHOWN = ("name", "image", "machineType", "projectId", "autoscaling")  # a deployment's answer shows these of its spec
POLICIES = frozenset({"autoscaling"})  # objects whose members a server may fill in with defaults
BASE_SPEC = {"image": "nginx:1.25", "machineType": "A4000"}


def differences(sent: Mapping[str, Any], shown: Mapping[str, Any], where: str = "") -> list[str]:
    """Each field of ``sent`` that ``shown`` leaves out or shows with another value."""
    found = []
    for key, value in sent.items():
        if key not in shown:
            found.append(f"{where}{key} missing (sent {value!r})")
        elif key in POLICIES and isinstance(value, Mapping) and isinstance(shown[key], Mapping):
            found += differences(value, shown[key], f"{where}{key}.")
        elif shown[key] != value:
            found.append(f"{where}{key} is {shown[key]!r} (sent {value!r})")
    return found


def view_of(spec: Mapping[str, Any], project_id: str) -> dict[str, Any]:
    """What a deployment's answer must show of ``spec`` sent to ``project_id``."""
    return {k: v for k, v in {**spec, "projectId": project_id}.items() if k in SHOWN}


def instant(moment: datetime) -> datetime:
    """A timestamp comparable with any other: one without an offset is taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def moment_of(value: Any) -> datetime | None:
    """An RFC 3339 stamp as an aware moment (one without an offset taken as UTC); None for
    anything that is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return instant(moment)
