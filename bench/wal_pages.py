#!/usr/bin/env python3
"""Which tables and indexes the pages in an SQLite WAL belong to: where a commit's writes go.

Every page a transaction changes is written whole (4 KiB) into the WAL at commit, and again into the database file
by the checkpoint, so pages per event is what a write costs. Copy the WAL while the server runs (the file is reused
from its start after each checkpoint; only the frames of its current generation are counted), then:

    python3 bench/wal_pages.py DATA/tailor.db copy-of-tailor.db-wal [more copies ...]

Pages are named from the database file's own `dbstat` table (Python's sqlite3 module; pages allocated after the
copy show as "?new").
"""
import collections
import sqlite3
import struct
import sys


def frames(wal: bytes):
    """The page numbers of the committed frames of the WAL's current generation, and how many commits they hold.

    Frames after the last commit frame (a transaction still being written when the copy was made) are left out;
    checksums are not verified, so a copy torn mid-frame may count that one frame wrongly.
    """
    _, _, page_size, _, salt1, salt2 = struct.unpack('>IIIIII', wal[:24])
    pages, committed, commits, offset = [], 0, 0, 32
    while offset + 24 + page_size <= len(wal):
        page, size_after_commit, frame_salt1, frame_salt2 = struct.unpack('>IIII', wal[offset:offset + 16])
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break  # a frame of an earlier generation: the current one ends here
        pages.append(page)
        if size_after_commit != 0:
            commits += 1
            committed = len(pages)
        offset += 24 + page_size
    return pages[:committed], commits


def main(database: str, wals: list[str]) -> None:
    # Read-only: a read-write connection closing last could checkpoint and delete a live server's WAL.
    owner = dict(sqlite3.connect(f'file:{database}?mode=ro', uri=True).execute('SELECT pageno, name FROM dbstat'))
    for path in wals:
        with open(path, 'rb') as f:
            pages, commits = frames(f.read())
        print(f'{path}: {len(pages)} frames, {commits} commits, {len(set(pages))} distinct pages')
        for name, count in collections.Counter(owner.get(p, '?new') for p in pages).most_common(15):
            print(f'  {name:40} {count:7} {100 * count / max(len(pages), 1):5.1f} %')


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
