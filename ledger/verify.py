"""``python -m ledger.verify``: the older name of the court's offline verifier, kept for scripts that use it.

The verifier lives in :mod:`ledger.court.verify`; this module only re-exports it and runs its ``main``.
"""

import sys

from ledger.court.verify import main, verify_bundle

__all__ = ["main", "verify_bundle"]

if __name__ == "__main__":
    sys.exit(main())
