"""The write side: canonical bytes, signed acts, hash-chained entries, the Merkle log and the verifier.

The log's stages, as Tessera names them: sequence (``writer``: verify, rule, chain, commit) → integrate
(``sealer``: the Merkle tree) → publish (``sealer``/``court.checkpoint``: signed checkpoints), then ``bundle`` for a
court and ``court/`` — the offline verifier and the formats it reads, in one folder.

Deliberately imports nothing, so that ``ledger.court`` runs with the standard library and ``cryptography`` alone.
"""
