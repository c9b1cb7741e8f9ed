"""The read side: views built from the ledger's notification log, exactly once, on SQLite and PostgreSQL.

``projections.runner.Runner`` follows the log (the rows ``select_notifications`` gives, from each view's own tracking
position, polled; PostgreSQL NOTIFY only wakes it early) and hands every act, decoded once, to each hosted view through
eventsourcing's ``Projection.process_event`` with a ``Tracking`` record. One batch is one transaction: the views'
rows and their new positions commit together, so a crash at any point neither loses nor repeats an act.

How to add a view
-----------------
Subclass :class:`projections.view.View` in a module of its own and set ``name`` (its tracking key — always set it:
eventsourcing names a projection after its class otherwise), ``topics`` (``ledger.store.TOPIC_CASE``,
``TOPIC_REGISTRY`` or both), ``tables`` (what a rebuild empties; names start with ``zhifa_`` so that PostgreSQL's
schema is applied) and ``version`` (bump it when a row's meaning changes: the runner then rebuilds the view; it does so too when any
file under ``domain/`` changed, ``View.version_key``).
Implement ``schema(cur)`` (``CREATE TABLE/INDEX IF NOT EXISTS``, SQL with ``?`` markers that
``ledger.db.Cursor`` adapts to both backends) and ``apply(cur, act)``, where ``act`` is a
:class:`projections.view.Applied`: ``act.record`` is the domain's ``ActRecord`` (type, stream, version, actor,
payload, ``recorded_at``), ``act.registry`` the registry at that point of the log, plus the entry, its hash and the
envelope. Optionally ``flush(cur)`` (end of a batch, same transaction: write what you gathered in memory) and
``discard()`` (the batch rolled back: forget it). A view that needs each case's state sets ``reads_case_states``
(the disclosures) — or ``keeps_case_states`` and implements ``stored_state(cur, case)`` if it stores them (the
cases view, which every reader's misses come from): the runner then computes every case act's new state once for
all such views (``act.state``) instead of each replaying ``apply_case``. ``act.state`` is the runner's own state
object of the case, by the time a view sees it already past every act of the case in the batch (all are applied
first, in place), so a view that needs it as it was right after some act names those types in ``state_per_act`` and
implements ``capture(act, state)`` (default: a deep copy), whose result it finds in
``act.seen[name]``. Write only through ``cur``; never commit. Add the view to
``projections.catalog.default_views()`` so ``zhifa run projections`` hosts it, and put its queries (plain functions
taking a ``Store`` or a ``Cursor``) beside it so the CLI and the web API share them. Test it on both backends with
the ``ledger`` fixture (see ``tests/test_projections_runner.py``, whose ``ActCounter`` is the smallest example).

Views here: ``cases`` (current state, ``projections.cases``), ``timeline`` (the full-process record,
``projections.timeline``), ``inspections`` (``projections.inspections``), ``disclosures`` (行政执法公示,
``projections.disclosure``); clocks, warnings, metrics and referral
loops are computed at query time from the case states and the clock (``projections.supervision``). Replay of a case
as of a version or a time comes from the ledger itself, not from the views (``projections.replay``).
"""
