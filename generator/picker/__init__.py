"""Interactive picking of variants: plain session logic (`session`) and a terminal UI (`ui`).

Only `ui` imports prompt_toolkit, and only when a picker actually runs.
"""

from .session import Option, PickSession, SectionOutline, Step

__all__ = ["Option", "PickSession", "SectionOutline", "Step"]
