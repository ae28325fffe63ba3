"""Reading the project tree: the walk, and each file's imports, never running any of it."""
