"""Appointments API, continued: massage sessions (推拿) and interviews (面试), on the
blueprint of :mod:`core.appointments.api`."""
from ..access import current_principal, roles
from . import interviews, sessions
from .api import READERS, WRITERS
from .blueprint import blp
from .checks import get_order
from .schemas import (
    AppointmentCancelSchema,
    OrderInterviewArrangeSchema,
    OrderInterviewCancelSchema,
    OrderInterviewMoveSchema,
    OrderInterviewOutcomeSchema,
    OrderInterviewSchema,
    SessionBookSchema,
    SessionDoneSchema,
    SessionListSchema,
    SessionRebookSchema,
    SessionSchema,
)


def _me() -> int:
    return current_principal().id


def _session(order_id: int, session_id: int):
    return sessions.get(get_order(order_id), session_id)


def _interview(order_id: int, interview_id: int):
    return interviews.get(get_order(order_id), interview_id)


# ------------------------------------------------------------------------------- sessions


@blp.route("/orders/<int:order_id>/sessions")
@roles(*READERS)
@blp.response(200, SessionListSchema)
def list_sessions(order_id):
    """The package bought (sessions, done, booked, remaining, price) and the sessions."""
    order = get_order(order_id)
    return {"package": sessions.package_of(order), "sessions": sessions.of_order(order)}


@blp.route("/orders/<int:order_id>/sessions", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(SessionBookSchema)
@blp.response(201, SessionSchema)
def book_session(data, order_id):
    """Book a session (time; at home or at the company); a package with no sessions
    left → 409; a line not sold in sessions → 409."""
    return sessions.book(get_order(order_id), _me(), **data)


@blp.route("/orders/<int:order_id>/sessions/<int:session_id>", methods=["PATCH"])
@roles(*WRITERS)
@blp.arguments(SessionRebookSchema)
@blp.response(200, SessionSchema)
def rebook_session(data, order_id, session_id):
    """Move a booked session to another time or place (改约); stale ``version`` → 409."""
    version = data.pop("version")
    return sessions.rebook(_session(order_id, session_id), version, _me(), **data)


@blp.route("/orders/<int:order_id>/sessions/<int:session_id>/done", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(SessionDoneSchema)
@blp.response(200, SessionSchema)
def record_session(data, order_id, session_id):
    """Record a booked session done, counted against the package; 409 "no sessions left
    in this package" when it is used up. Plans the call that books the next one."""
    return sessions.record_done(_session(order_id, session_id), _me(), **data)


@blp.route("/orders/<int:order_id>/sessions/<int:session_id>/cancel", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(AppointmentCancelSchema)
@blp.response(200, SessionSchema)
def cancel_session(data, order_id, session_id):
    """Cancel a booked session (reason required)."""
    return sessions.cancel(_session(order_id, session_id), data["version"], _me(),
                           data["reason"])


# ----------------------------------------------------------------------------- interviews


@blp.route("/orders/<int:order_id>/interviews")
@roles(*READERS)
@blp.response(200, OrderInterviewSchema(many=True))
def list_interviews(order_id):
    """The order's interviews, oldest first, with their outcomes."""
    return interviews.of_order(get_order(order_id))


@blp.route("/orders/<int:order_id>/interviews", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(OrderInterviewArrangeSchema)
@blp.response(201, OrderInterviewSchema)
def arrange_interview(data, order_id):
    """Arrange an interview of a worker (default the order's) with the customer: time
    and place. Only lines that interview (月嫂, 育婴师), while matching or interviewing."""
    return interviews.arrange(get_order(order_id), _me(), **data)


@blp.route("/orders/<int:order_id>/interviews/<int:interview_id>", methods=["PATCH"])
@roles(*WRITERS)
@blp.arguments(OrderInterviewMoveSchema)
@blp.response(200, OrderInterviewSchema)
def move_interview(data, order_id, interview_id):
    """Move an arranged interview (time, place); stale ``version`` → 409."""
    version = data.pop("version")
    return interviews.reschedule(_interview(order_id, interview_id), version, _me(), **data)


@blp.route("/orders/<int:order_id>/interviews/<int:interview_id>/outcome", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(OrderInterviewOutcomeSchema)
@blp.response(200, OrderInterviewSchema)
def record_outcome(data, order_id, interview_id):
    """Record the outcome: passed, failed (with the reason) or no show. A contract needs
    a passed interview with the order's worker."""
    version = data.pop("version")
    return interviews.record_outcome(_interview(order_id, interview_id), version, _me(),
                                     **data)


@blp.route("/orders/<int:order_id>/interviews/<int:interview_id>/cancel", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(OrderInterviewCancelSchema)
@blp.response(200, OrderInterviewSchema)
def cancel_interview(data, order_id, interview_id):
    """Call off an arranged interview."""
    return interviews.cancel(_interview(order_id, interview_id), data["version"], _me(),
                             data["reason"])
