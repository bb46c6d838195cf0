"""Interactive picking of variants: plain session logic (`session`) and a terminal UI (`ui`).

Only `ui` imports prompt_toolkit, and only when a picker actually runs.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session import Option, PickSession, SectionOutline, Step

__all__ = ["Option", "PickSession", "SectionOutline", "Step"]


def __getattr__(name: str) -> Any:
    """The session is loaded when asked for: `generate` only looks for a saved answers file."""
    if name in __all__:
        from . import session

        return getattr(session, name)
    raise AttributeError(name)
