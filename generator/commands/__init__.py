"""CLI subcommands, one module each, imported lazily by generator.cli."""
