"""Keeping the files up to date (档案核定) under /api/v1/customers: the weekly and
quarterly duties (003) and each file's re-check (see :mod:`core.customers.checks`)."""
from ..access import current_principal, roles
from . import checks
from .blueprint import blp
from .schemas_checks import (
    DutyPageSchema,
    DutyQuerySchema,
    DutySchema,
    FileCheckSchema,
    FileNoteInSchema,
    UncheckedPageSchema,
    UncheckedQuerySchema,
)


@blp.route("/file-duties")
@roles(*checks.DUTY_ROLES)
@blp.arguments(DutyQuerySchema, location="query")
@blp.response(200, DutyPageSchema)
def list_duties(args):
    """The desk's duties (this week's additions, this quarter's re-check, overdue ones),
    newest period first; the current ones are opened if missing."""
    checks.ensure_duties()
    args.pop("q", None)
    page = checks.search_duties(**args)
    page["items"] = [checks.duty_view(d) for d in page["items"]]
    return page


@blp.route("/file-duties/<int:duty_id>/done", methods=["POST"])
@roles(*checks.DUTY_ROLES)
@blp.arguments(FileNoteInSchema)
@blp.response(200, DutySchema)
def complete_duty(data, duty_id):
    """Mark a duty done (recorded with who did it). 409: done already, not begun, or
    files left unchecked this quarter."""
    return checks.duty_view(checks.complete(duty_id, current_principal(), data["note"]))


@blp.route("/unchecked")
@roles(*checks.DUTY_ROLES)
@blp.arguments(UncheckedQuerySchema, location="query")
@blp.response(200, UncheckedPageSchema)
def list_unchecked(args):
    """Files not re-checked this quarter, each as the matrix shows it, with its last
    re-check day (never checked first)."""
    return checks.unchecked(current_principal(), **args)


@blp.route("/<int:customer_id>/checks", methods=["POST"])
@roles(*checks.DUTY_ROLES)
@blp.arguments(FileNoteInSchema)
@blp.response(201, FileCheckSchema)
def check_file(data, customer_id):
    """Record a re-check (核定) of the file today. 403 ``grant_required`` when the file does
    not open to you (the refusal is recorded); 404 no such file."""
    return checks.mark_checked(customer_id, current_principal(), data["note"])
