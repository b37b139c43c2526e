"""The ``wheelkeep`` command: serve the registry and manage it."""
