"""Entry point of the engine's worker process: `python -m checks.worker IN OUT RULES HASH`.

Started by `checks.engine.IsolatedEngine`, never by hand: IN and OUT are pipe descriptors.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from checks.engine import serve


def main(argv: list[str]) -> int:
    inbox_fd, outbox_fd, rules_dir, expected_hash = argv
    inbox = Connection(int(inbox_fd), writable=False)
    outbox = Connection(int(outbox_fd), readable=False)
    try:
        serve(inbox, outbox, rules_dir, expected_hash)
    finally:
        inbox.close()
        outbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
