"""CPython's import system, modelled: finders, the sys.path of a run, import roots, shadows,
and the exception a shadowed import raises."""
