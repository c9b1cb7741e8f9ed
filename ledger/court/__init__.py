"""The court's verifier and exactly what it needs: one folder a court's expert can read and run alone.

``verify`` checks a ``zhifa-bundle/v1`` case bundle offline; ``merkle`` (RFC 6962/9162 trees and proofs), ``note``
(C2SP signed notes), ``checkpoint`` (C2SP tlog-checkpoint), ``tlogproof`` (C2SP tlog-proof), ``keys`` (Ed25519
verifier keys and key IDs) and ``bundle_format`` (the bundle's layout and manifest) are what it imports. Nothing
here imports anything outside this folder except the standard library and ``cryptography`` (tested), so the
package has no import-time work: ``python -m ledger.court BUNDLE --log-key VKEY`` runs the verifier.
"""
