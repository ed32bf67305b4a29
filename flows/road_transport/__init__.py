"""Issuing vehicle badges (cấp phù hiệu xe ô tô kinh doanh vận tải) to a transport business's vehicles
on the provincial construction department's public-service portal (a single-page application).

``PROCEDURE`` is what the engine uses (registered as the ``road_transport`` entry point); the modules
hold its parts: ``model`` (the dossier's payload), ``limits`` (age limits per badge kind, from the
configuration), ``rules`` (its cross-field rules), ``form`` (the portal's form and ``map_dossier``),
``flow`` (login, submit, lookup, read_status on the portal), ``labels`` (the payload's Vietnamese field
names) and ``procedure``.
"""

from flows.road_transport.procedure import PROCEDURE

__all__ = ["PROCEDURE"]
