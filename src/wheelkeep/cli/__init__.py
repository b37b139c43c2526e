"""The ``wheelkeep`` command: serve the registry and manage it."""

# What a server worker builds its application with (both ASGI servers).
APP_FACTORY = "wheelkeep.api.app:create_app_from_environment"
