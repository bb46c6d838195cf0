"""speechdraft: drafts Party-building work-meeting speeches from a YAML brief.

The core (`generator.compose.compose`) is pure: it takes a brief, a phrase bank,
a skeleton, a `random.Random` and a chooser, and returns a `Draft`. Loading,
rendering, picking and the CLI live around it.
"""

__version__ = "0.1.0"
