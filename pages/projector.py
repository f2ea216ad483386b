"""Trình chiếu: the meeting-room view; full screen, rotating panels, live, aggregates only."""
from core import auth, projector_ui
from core.stages import Role

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.PROJECTOR)
projector_ui.show(actor)
