"""The use cases: one module per thing a person does or sees, between the pages (and the CLI) and the storage."""
