"""`shadowcheck explain`: paste an error, get its cause.

pasted.py reads a traceback (or one error line), messages.py what its last import error says in
CPython's words, where.py which run it came from (a script, `python -m`, `-c`), causes.py
resolves the names it gives as that run would (the import system `check` and `verify` use) and
names the file at fault and the fix, run.py ties them into an Explanation (report.py).
"""
