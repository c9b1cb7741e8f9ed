"""``python -m ledger.court BUNDLE --log-key VKEY``: the offline verifier."""

import sys

from ledger.court.verify import main

sys.exit(main())
