"""The worker's allowlist policy on its own: paths, globs, methods by class, dunders, Eval, installation."""

from __future__ import annotations

import collections
import json
import os
import re

import pytest

from snakebridge_worker.proto import errors_pb2, worker_pb2
from snakebridge_worker.runtime import allowlist
from snakebridge_worker.runtime.errors import NotAllowed, to_python_error
from snakebridge_worker.runtime.handles import HandleTable

CK = worker_pb2.CallKind
MANIFEST = "/srv/m.yaml"


def policy() -> allowlist.Policy:
    return allowlist.Policy({
        "manifests": [MANIFEST],
        "rules": [
            {"kind": "function", "path": "statistics.mean", "manifest": MANIFEST},
            {"kind": "class", "path": "collections.Counter", "methods": ["most_common"], "manifest": MANIFEST},
            {"kind": "class", "path": "collections.OrderedDict", "manifest": MANIFEST},
            {"kind": "pattern", "path": "math.*", "manifest": MANIFEST},
        ],
        "exclude": ["math.f*"],
    })


def request(kind: worker_pb2.CallKind, target: str, handle_id: str = "") -> worker_pb2.CallRequest:
    return worker_pb2.CallRequest(kind=kind, target=target, handle_id=handle_id)


def test_declared_functions_classes_and_globs_pass() -> None:
    p = policy()
    for kind, target in [(CK.CALL_KIND_FUNCTION, "statistics.mean"), (CK.CALL_KIND_CONSTRUCTOR, "collections.Counter"),
                         (CK.CALL_KIND_FUNCTION, "math.sqrt"), (CK.CALL_KIND_ATTRIBUTE, "math.pi"),
                         (CK.CALL_KIND_FUNCTION, "snakebridge_worker.sessions.reset_session")]:
        p.check(request(kind, target), None)


@pytest.mark.parametrize("kind,target", [
    (CK.CALL_KIND_FUNCTION, "os.system"),
    (CK.CALL_KIND_FUNCTION, "math.floor"),             # excluded by math.f*
    (CK.CALL_KIND_FUNCTION, "math.sqrt.__globals__"),  # a dunder segment never matches a glob
    (CK.CALL_KIND_CONSTRUCTOR, "statistics.mean"),     # a function is not a class
    (CK.CALL_KIND_FUNCTION, "statistics.median"),
    (CK.CALL_KIND_FUNCTION, "builtins.eval"),
])
def test_undeclared_targets_are_refused_naming_the_manifest(kind: worker_pb2.CallKind, target: str) -> None:
    with pytest.raises(NotAllowed, match=re.escape("/srv/m.yaml")):
        policy().check(request(kind, target), None)


def test_methods_are_checked_against_the_objects_class() -> None:
    p = policy()
    handles = HandleTable(ttl_s=60, max_count=10)
    counter = handles.put(collections.Counter("abca"), "s")
    ordered = handles.put(collections.OrderedDict(a=1), "s")
    plain = handles.put({"a": 1}, "s")
    p.check(request(CK.CALL_KIND_METHOD, "most_common", counter), handles)
    p.check(request(CK.CALL_KIND_METHOD, "popitem", ordered), handles)  # a class without a method list: public methods
    p.check(request(CK.CALL_KIND_ATTRIBUTE, "total", counter), handles)       # public attributes of handles
    for target, handle in [("update", counter), ("__init__", counter), ("_private", ordered), ("keys", plain)]:
        with pytest.raises(NotAllowed):
            p.check(request(CK.CALL_KIND_METHOD, target, handle), handles)
    with pytest.raises(NotAllowed, match="dunder"):
        p.check(request(CK.CALL_KIND_ATTRIBUTE, "__class__", counter), handles)


def test_refusals_cross_as_not_allowed_and_eval_is_off() -> None:
    with pytest.raises(NotAllowed) as caught:
        policy().refuse_eval()
    assert to_python_error(caught.value).classification == errors_pb2.ErrorClass.ERROR_CLASS_NOT_ALLOWED


def test_install_reads_and_removes_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allowlist, "POLICY", None)
    monkeypatch.setenv(
        allowlist.ENV, json.dumps({"rules": [{"kind": "function", "path": "math.sqrt"}], "manifests": []})
    )
    allowlist.install_from_environment()
    assert allowlist.ENV not in os.environ
    assert allowlist.POLICY is not None and allowlist.POLICY.allows("math.sqrt")
    monkeypatch.setattr(allowlist, "POLICY", None)


def test_a_malformed_allowlist_stops_the_worker_rather_than_run_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allowlist, "POLICY", None)
    monkeypatch.setenv(allowlist.ENV, "{not json")
    with pytest.raises(SystemExit, match="refusing to start"):
        allowlist.install_from_environment()
    assert allowlist.POLICY is None
