"""Extension points: how a lower app lets higher apps act on its events without knowing them.

The one mechanism for upward needs (DESIGN "Layers"): the lower app declares a `Hook` in its own
module; a higher app registers a function on it in its `AppConfig.ready`. Calling the hook calls
every registered function in registration order, inside the caller's transaction (a function
that raises rolls the move back). Lower apps never import higher ones, not even inside a
function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        self._functions: list[Callable[..., Any]] = []

    def register(self, function: Callable[..., Any], *, first: bool = False) -> Callable[..., Any]:
        """Add `function` (usable as a decorator), last or `first`; registering the same function
        twice is a no-op, so a re-run `ready()` does not double it."""
        if function not in self._functions:
            self._functions.insert(0 if first else len(self._functions), function)
        return function

    def unregister(self, function: Callable[..., Any]) -> None:
        self._functions.remove(function)

    @property
    def functions(self) -> list[Callable[..., Any]]:
        """The registered functions, in order (a copy)."""
        return list(self._functions)

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        return [function(*args, **kwargs) for function in self._functions]

    def any(self, *args: Any, **kwargs: Any) -> bool:
        """True if a registered function answers truthy (asked in order, stops at the first)."""
        return any(function(*args, **kwargs) for function in self._functions)

    def first(self, *args: Any, default: Any = None, **kwargs: Any) -> Any:
        """The first registered function's answer that is not None, else `default`."""
        for function in self._functions:
            answer = function(*args, **kwargs)
            if answer is not None:
                return answer
        return default

    def __len__(self) -> int:
        return len(self._functions)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._functions)} registered>"
