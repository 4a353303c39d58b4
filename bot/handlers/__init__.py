"""One module per feature; each exports ``FEATURE``, a :class:`bot.feature.Feature` value.

The order in which they are registered (and listed in ``/help``) is decided in one place:
``bot.app.FEATURES``.
"""
