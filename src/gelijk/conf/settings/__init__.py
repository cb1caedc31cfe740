"""Settings variants: ``development`` (default, also used by ``make run``), ``test``
and ``production``. Choose one with DJANGO_SETTINGS_MODULE."""
