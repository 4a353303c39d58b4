"""Everything that happens because of the clock.

    APScheduler (via PTB's JobQueue) ──every tick_seconds──▶ scheduler.tick.run_tick(now)
        1. producers materialise what is due into the outbox (one row per notification and recipient,
           under a unique key, so a second tick or a second process inserts nothing twice);
        2. the outbox expires what is no longer useful and turns lost claims into *uncertain*;
        3. the sender claims due rows, sends them through the rate limiter, and records the outcome.

Nothing is kept only in scheduler memory and nothing is pickled into a job store: after a restart the
next tick finds the same rows in the database.  ``zhibu chat``'s ``:clock`` and the tests call
``run_tick`` directly with a driven clock.
"""
