"""Shards: one Parquet file per finished batch, written so that a kill never leaves a lie.

A shard is written to a temporary file in the same folder, flushed to disk (fsync) and
renamed over its final name (``os.replace`` is atomic), then the folder is synced. So a
file under a shard's name is whole; a kill mid-write leaves only a ``*.tmp`` file, which
is never read and is cleared on resume. A shard is also checked before it is trusted:
its footer must read, it must carry its batch's key and the right number of rows.

Example:
    >>> import tempfile
    >>> job = BatchJob(7, "ab" * 32, samples=(3,), replications=(0,), seeds=(1,), values=())
    >>> path = shard_path(Path(tempfile.mkdtemp()), job)
    >>> path.name
    'batch-000007-abababababababab.parquet'
    >>> write_shard(pa.table({"sample": [3]}), path, job.key)
    >>> shard_complete(path, job.key, rows=1), shard_complete(path, "another key", rows=1)
    (True, False)
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.plan import BatchJob

KEY = b"munsim.shard_key"
TEMPORARY = ".tmp"


def shard_path(folder: Path, job: BatchJob) -> Path:
    """``batch-<index>-<key prefix>.parquet`` in ``folder``."""
    return folder / f"batch-{job.index:06d}-{job.key[:16]}.parquet"


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some systems cannot open a folder; the rename is still atomic
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_shard(table: pa.Table, path: Path, key: str) -> None:
    """Write ``table`` to ``path`` atomically, tagged with the batch's key."""
    metadata = dict(table.schema.metadata or {})
    metadata[KEY] = key.encode()
    tagged = table.replace_schema_metadata(metadata)
    temporary = path.with_name(f".{path.name}.{os.getpid()}{TEMPORARY}")
    try:
        with open(temporary, "wb") as sink:
            pq.write_table(tagged, sink)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def shard_complete(path: Path, key: str, rows: int) -> bool:
    """True if ``path`` is a whole shard of the batch with ``key`` and ``rows`` members.

    The whole file is decoded, not just its footer: shards are small.
    """
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException):
        return False
    tags = table.schema.metadata or {}
    return tags.get(KEY) == key.encode() and table.num_rows == rows


def read_shard(path: Path) -> pa.Table:
    """A shard's rows, without its tag."""
    return pq.read_table(path).replace_schema_metadata(None)


def clear_temporaries(folder: Path) -> int:
    """Remove files left mid-write by a killed sweep; returns how many."""
    leftovers = [p for p in folder.iterdir() if p.name.endswith(TEMPORARY)]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)
