"""Imported once by the local workers' server: every worker then forks with the kernels.

Loading the compiled kernels from the cache takes a process most of a second; a worker
forked from a server that has them starts with them.
"""

from sim.engine.model import compile_kernels

compile_kernels()
