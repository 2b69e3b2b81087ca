"""Code that runs inside the learner's (untrusted) worker process.

This package must stay importable on its own, without the rest of
``autograder``: the sandbox shows the worker only this folder, never the
checks or the solutions. Modules here therefore use relative imports only.
"""
