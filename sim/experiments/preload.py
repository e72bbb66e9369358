"""Imported once by the local workers' server: every worker then forks with the kernels.

Loading the compiled kernels from the cache takes a process most of a second; a worker
forked from a server that has them starts with them. Should loading fail, each worker
loads them itself and reports what is wrong (the server would only die). Importing this
module loads the kernels, so pytest's doctest collection leaves it out.
"""

import contextlib

from sim.engine.model import compile_kernels

with contextlib.suppress(Exception):
    compile_kernels()
