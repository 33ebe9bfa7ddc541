"""Enforce mode in the worker: only the entrypoints the host's allowlist declares may run.

The host passes the list in ``SNAKEBRIDGE_WORKER_ALLOWLIST`` (JSON) when it starts the worker; it is read once
and removed from the environment. With a policy installed, every call is checked before it runs, so a caller
that reaches the worker's socket directly (with a valid token) is refused just like one that goes through the
host. Method calls are checked against the live object's class (isinstance against the declared classes), and
dunder attributes are never reachable. Without a policy (the default) nothing is checked and nothing is paid.
"""

from __future__ import annotations

import inspect
import json
import os
import re
from typing import Any

from ..proto import worker_pb2
from .errors import NotAllowed

ENV = "SNAKEBRIDGE_WORKER_ALLOWLIST"

# The workbench's own targets (training run and export, session reset); kept in step with app/bridge/allowlist.ts.
INTERNAL_TARGETS = frozenset({
    "snakebridge_worker.sessions.reset_session",
    "snakebridge_worker.training.run",
    "snakebridge_worker.training.export",
    "snakebridge_worker.training.generate",
    "snakebridge_worker.training.environment",
})

_FUNCTION = worker_pb2.CallKind.CALL_KIND_FUNCTION
_CONSTRUCTOR = worker_pb2.CallKind.CALL_KIND_CONSTRUCTOR
_METHOD = worker_pb2.CallKind.CALL_KIND_METHOD
_ATTRIBUTE = worker_pb2.CallKind.CALL_KIND_ATTRIBUTE
_RELEASE = worker_pb2.CallKind.CALL_KIND_RELEASE


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """A glob over dotted paths: ``*`` within one name, ``**`` across dots (the manifest's include/exclude)."""
    out = []
    i = 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append("[^.]*" if c == "*" else "[^.]" if c == "?" else re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$")


def is_dunder(name: str) -> bool:
    """``__class__``, ``__globals__`` and the like: the usual ways out of a sandbox of names."""
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


class Policy:
    """An allowlist: exact functions and classes (with their methods), include globs, exclude globs."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._functions: set[str] = set()
        self._classes: dict[str, frozenset[str] | None] = {}
        self._patterns: list[re.Pattern[str]] = []
        self._manifests: list[str] = [str(m) for m in spec.get("manifests", [])]
        self._rule_manifests: dict[str, str] = {}
        for rule in spec.get("rules", []):
            kind, path = rule["kind"], rule["path"]
            if rule.get("manifest"):
                self._rule_manifests.setdefault(path.split(".")[0], rule["manifest"])
            if kind == "function":
                self._functions.add(path)
            elif kind == "class":
                methods = rule.get("methods")
                self._classes[path] = None if methods is None else frozenset(methods)
            elif kind == "pattern":
                self._patterns.append(glob_to_regex(path))
        self._exclude = [glob_to_regex(g) for g in spec.get("exclude", [])]
        # Declared classes resolved to class objects on first use (None: not importable, so it matches nothing).
        self._resolved: dict[str, type | None] | None = None

    # -- checks ------------------------------------------------------------------------------------

    def check(self, request: worker_pb2.CallRequest, handles: Any) -> None:
        """Raises NotAllowed unless ``request`` is allowed."""
        kind = request.kind
        target = request.target
        if kind == _RELEASE:
            return
        if request.handle_id:
            if is_dunder(target):
                raise self._refuse(target, f"the dunder attribute {target!r} is never reachable in enforce mode")
            if kind == _ATTRIBUTE:
                return  # every handle came from an allowed call: its public attributes may be read
            if kind == _METHOD and self._method_allowed(handles.get(request.handle_id), target):
                return
            owner = handles.get(request.handle_id)
            qualified = f"{type(owner).__module__}.{type(owner).__qualname__}"
            raise self._refuse(f"{qualified}.{target}",
                               f"the method {target!r} of {qualified} is not declared by any allowed class",
                               "classes[].methods")
        if self.allows(target, kind):
            return
        raise self._refuse(target, f"{target} is not declared in the allowlist",
                           "classes" if kind == _CONSTRUCTOR else "functions")

    def allows(self, target: str, kind: int = _FUNCTION) -> bool:
        """Whether a dotted path may be called or read."""
        if target in INTERNAL_TARGETS or target in self._functions:
            return kind != _CONSTRUCTOR or target in self._classes
        if target in self._classes:
            return True
        if any(is_dunder(part) for part in target.split(".")):
            return False
        if any(r.match(target) for r in self._exclude):
            return False
        return any(r.match(target) for r in self._patterns)

    def refuse_eval(self) -> None:
        """Raises: running code (notebook cells, the console, Eval) is off in enforce mode."""
        raise self._refuse("eval", "running code (notebook cells, the console, Eval) is off in enforce mode")

    def _method_allowed(self, obj: Any, name: str) -> bool:
        for _cls, methods in self._declared_classes(obj):
            if methods is None and not name.startswith("_"):
                return True
            if methods is not None and name in methods:
                return True
        if self._patterns and not name.startswith("_"):
            for base in type(obj).__mro__:
                qualified = f"{base.__module__}.{base.__qualname__}"
                if not any(r.match(qualified) for r in self._exclude) and any(
                    r.match(qualified) for r in self._patterns
                ):
                    return True
        return False

    def _declared_classes(self, obj: Any) -> list[tuple[type, frozenset[str] | None]]:
        if self._resolved is None:
            from .targets import resolve

            resolved: dict[str, type | None] = {}
            for path in self._classes:
                try:
                    found = resolve(path)
                    resolved[path] = found if inspect.isclass(found) else None
                except Exception:  # noqa: BLE001 - a class that cannot be imported allows nothing
                    resolved[path] = None
            self._resolved = resolved
        return [(cls, self._classes[path]) for path, cls in self._resolved.items()
                if cls is not None and isinstance(obj, cls)]

    def _refuse(self, target: str, why: str, section: str | None = None) -> NotAllowed:
        owning = self._rule_manifests.get(target.split(".")[0])
        manifests = [owning] if owning else self._manifests
        where = ("an --allow manifest" if not manifests else manifests[0] if len(manifests) == 1
                 else "one of " + ", ".join(manifests))
        fix = (f"Enforce mode allows only the entrypoints declared in {where}." if section is None else
               f"To allow it, declare it under integrations[].entrypoints.{section} in {where}, then restart.")
        return NotAllowed(f"{why}. {fix}")


#: The policy of this worker; None outside enforce mode.
POLICY: Policy | None = None


def install_from_environment() -> None:
    """Reads (and removes) the allowlist the host passed; a malformed one stops the worker rather than run open."""
    global POLICY
    raw = os.environ.pop(ENV, None)
    if raw is None:
        return
    try:
        spec = json.loads(raw)
        POLICY = Policy(spec)
    except (ValueError, KeyError, TypeError) as exc:
        raise SystemExit(
            f"snakebridge worker: {ENV} is not a valid allowlist ({exc}); refusing to start without it"
        ) from exc
