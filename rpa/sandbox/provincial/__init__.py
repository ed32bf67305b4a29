"""Sandbox copy of the provincial one-stop system (modelled on VNPT iGate).

Web UI for clerks, an iGate-style JSON API, the citizen side (SMS outbox, public look-up, satisfaction
ratings) and a control API under ``/_sandbox/``. Build the app with
:func:`rpa.sandbox.provincial.app.create_app`; use :class:`rpa.sandbox.provincial.store.ProvincialStore`
directly to seed or inspect without HTTP.
"""
