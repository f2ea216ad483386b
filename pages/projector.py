"""Trình chiếu: the meeting-room view; full screen, rotating panels, live, aggregates only."""
from core.procedure.stages import Role
from ui import auth, projector

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.PROJECTOR)
projector.show(actor)
