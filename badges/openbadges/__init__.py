"""Pure Open Badges engine (OB 2.0 and OB 3.0): builders, proofs, baking, verification.

Nothing here imports Django; callers map their models to the dataclasses in
``ob2`` / ``ob3`` and supply URLs, keys, clocks and fetchers.
"""
