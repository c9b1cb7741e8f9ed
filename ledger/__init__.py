"""The write side: canonical bytes, signed acts, hash-chained entries, the Merkle log and the verifier.

Deliberately imports nothing, so that ``ledger.verify`` runs with the standard library and
``cryptography`` alone (a court's offline verifier).
"""
