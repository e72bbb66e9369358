"""Imported once by the local workers' server: every worker then forks with the kernels.

Loading the compiled kernels from the cache takes a process most of a second; a worker
forked from a server that has them starts with them. Should loading fail, each worker
loads them itself and reports what is wrong (the server would only die). Importing this
module loads the kernels, so pytest's doctest collection leaves it out.

The server also ignores Ctrl-C from here on, and so does every worker from the moment
it is forked (a worker restores the handler the server had before it started serving):
the sweep's own process handles Ctrl-C and tells the workers to stop, and a worker
still starting up would otherwise die of it with a traceback.
"""

import contextlib
import signal

from sim.engine.model import compile_kernels

signal.signal(signal.SIGINT, signal.SIG_IGN)
with contextlib.suppress(Exception):
    compile_kernels()
