"""What a workload is: one declaration with its goal, its sizes and one function per implementation."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

IMPLEMENTATIONS = ("numpy", "tinypytorch", "dezero", "torch")
NAMES = {"numpy": "numpy baseline", "tinypytorch": "tinypytorch", "dezero": "DeZero", "torch": "PyTorch"}


@dataclass(frozen=True)
class Goal:
    """What tinypytorch should reach, judged on the kind's goal value (see `kinds`).

    `text` and `short` are templates filled with the limit: `{limit}`, or the keys of a dict `limit` when the
    goal value has parts (every part must be within its limit). `against` is the implementation the value is
    measured against.
    """

    text: str
    short: str
    limit: float | dict[str, float]
    against: str = "numpy"

    def fill(self, template: str) -> str:
        """`template` (this goal's `text` or `short`, or a translation of it) filled with the limit."""
        return template.format_map(self.limit if isinstance(self.limit, dict) else {"limit": self.limit})

    @property
    def description(self) -> str:
        return self.fill(self.text)

    @property
    def summary(self) -> str:
        return self.fill(self.short)

    def met(self, value: Any) -> bool | None:
        if value is None:
            return None   # not measured in this run (e.g. without DeZero)
        if isinstance(self.limit, dict):
            return all(value[part] <= limit for part, limit in self.limit.items())
        return value <= self.limit


_MISSING: Any = object()


@dataclass(frozen=True, kw_only=True)
class Workload:
    """One workload. `numpy`, `tinypytorch`, `dezero` and `torch` are all required: a function for each
    (called with the implementation's module and the sizes as keyword arguments), or for `kinds.ImportTime`
    the statement to time."""

    id: str
    title: str                 # what it computes, in a line (printed, and recorded in the JSON)
    short: str                 # a few words, for tables
    goal: Goal
    kind: Any                  # a `kinds.Kind`: what is measured, how it is judged and how it reads
    full: dict[str, Any]       # sizes of a full run
    quick: dict[str, Any]      # sizes of `--quick`
    warm_up: dict[str, Any] = field(default_factory=dict)   # a small run first in each worker process
    ab: dict[str, Any] | None = None        # sizes for `--ab` (None: not A/B-compared)
    unit: str | None = None                 # what one repetition is, e.g. "descent step"
    units: Callable[[dict], int] | None = None   # how many of them the sizes make
    profile: Callable[[dict], dict] | None = None   # the evidence `--profile` records (None: none)
    numpy: Any = _MISSING
    tinypytorch: Any = _MISSING
    dezero: Any = _MISSING
    torch: Any = _MISSING
    sizes: tuple = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "sizes", tuple(s for s in (self.full, self.quick, self.warm_up, self.ab) if s))
        for impl in IMPLEMENTATIONS:
            fn = getattr(self, impl)
            if fn is _MISSING:
                raise TypeError(f"workload {self.id}: no {impl} function declared "
                                f"(each of {', '.join(IMPLEMENTATIONS)} needs one)")
            self.kind.check(self, impl, fn)

    def function(self, impl: str):
        return getattr(self, impl)

    def params(self, quick: bool) -> dict[str, Any]:
        return self.quick if quick else self.full


def check_signature(workload: Workload, impl: str, fn, extra: dict | None = None) -> None:
    """`fn(module, **sizes)` must accept every size the workload declares."""
    if not callable(fn):
        raise TypeError(f"workload {workload.id}: the {impl} entry is {fn!r}, not a function")
    for sizes in workload.sizes:
        try:
            inspect.signature(fn).bind(None, **sizes, **(extra or {}))
        except TypeError as e:
            raise TypeError(f"workload {workload.id}: {impl} function {fn.__name__} cannot take the sizes "
                            f"{sorted(sizes)}: {e}") from None
