"""Use cases of the registry: publish, read the index, serve files, manage.

Services take a :class:`~wheelkeep.services.registry.Registry` (settings,
database and blob store) and raise :mod:`wheelkeep.domain.errors`; they know
nothing of HTTP.
"""
