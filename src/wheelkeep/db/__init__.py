"""The database: tables, the engine, and queries; SQLite by default."""
