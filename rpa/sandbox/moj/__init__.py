"""Sandbox copy of the Ministry of Justice judicial-record portal (lltptructuyen.moj.gov.vn).

Entry point: :func:`rpa.sandbox.moj.app.create_app`. See ``README.md`` in this folder for routes,
form field names per UI version, stored keys, the control API and selectors.
"""
