"""Everything that happens because of the clock.

    APScheduler (via PTB's JobQueue) ──every tick_seconds──▶ scheduler.tick.run_tick(now)
        1. producers materialise what is due into the outbox (one row per notification and recipient,
           under a unique key, so a second tick or a second process inserts nothing twice);
        2. under the one sender lock of the database (``lock``), the outbox settles what a stopped sender
           left behind (untried claims back to pending, attempted ones uncertain) and expires what is too
           late (``outbox``);
        3. the sender (``sender``) claims due rows, renders each with its kind (``kinds``) at send time,
           sends them through the limiter (``ratelimit``) several chats at once — one gate per request,
           passed as it is written (``request``) — and records the outcome as Telegram's answer or the
           request's error proves it (``outcome``).

Nothing is kept only in scheduler memory and nothing is pickled into a job store: after a restart the
next tick finds the same rows in the database.  ``zhibu chat``'s ``:clock`` and the tests call
``run_tick`` directly with a driven clock.  Nothing here imports ``bot/``: kinds and producers arrive as
plain values.
"""
