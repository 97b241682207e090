"""Storage: the database engine, its tables and every query, one module per aggregate."""
