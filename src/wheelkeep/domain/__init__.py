"""Pure rules of the registry: names, filenames, metadata, digests, index pages.

Nothing in this package performs I/O beyond reading a file handed to it, and
nothing here knows about HTTP or the database.
"""
