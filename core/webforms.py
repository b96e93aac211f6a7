"""How a web page reads its posted form: webargs' Flask parser over a marshmallow schema.

A view reads its form with one call, inside the ``try`` that already handles its
refusals::

    data = parse_form(ExceptionInSchema())            # the API's schema for the same step
    data = parse_form({"note": fields.String(load_default="", validate=Length(max=255))})

The schema is the API's own where one exists for the same action (so the page and the
API refuse the same things with the same words), else a small argument map in the view.
What a browser posts is made into what the API would receive first: text is stripped
(passwords are kept as typed), a blank box counts as not given (so ``load_default``
applies, or "required") unless it is text with no default (then it is the empty text, as
when a note is cleared), a field of a ``List`` takes every
value posted under its name, fields the schema does not name (``csrf_token``, the submit
button) are ignored, and an unticked checkbox named in ``checkboxes`` is ``False``.

A value the schema refuses, or one beyond :mod:`core.inputs`' bounds, raises
:class:`~core.errors.Invalid` (422) whose ``fields`` name each field with its message in
Chinese and English — the refusal every view already shows: re-rendered beside the
field, or flashed (in the reader's language) and redirected. Nothing has been written
when it is raised, since the form is read before the step runs; a view that does not
catch it gets the error page (422), never a 500.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing

from .errors import Invalid, flatten_fields
from .inputs import VERBATIM, BoundedParser


def form_values(form, schema: Schema, checkboxes: Iterable[str] = ()) -> dict:
    """The posted ``form`` (a werkzeug MultiDict) as the plain values ``schema`` loads."""
    out: dict = {}
    ticks = set(checkboxes)
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        if isinstance(field, fields.List):
            if key in form:
                out[key] = [v.strip() for v in form.getlist(key) if v.strip()]
            continue
        if key not in form:
            if name in ticks:
                out[key] = False
            continue
        value = form[key] if name in VERBATIM else form[key].strip()
        if value == "" and (not isinstance(field, fields.String)
                            or field.load_default is not missing):
            continue
        out[key] = value
    return out


class FormParser(BoundedParser):
    """The API's parser (bounds included) reading a web form: unknown fields ignored,
    values prepared by :func:`form_values`, a refusal raised as :class:`Invalid`."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**BoundedParser.DEFAULT_UNKNOWN_BY_LOCATION,
                                   "form": EXCLUDE}

    def __init__(self, checkboxes: Iterable[str] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.checkboxes = tuple(checkboxes)

    def load_form(self, req, schema):
        """The form's values as :func:`form_values` makes them."""
        return form_values(req.form, schema, self.checkboxes)

    def handle_error(self, error: ValidationError, req, schema, *, error_status_code,
                     error_headers):
        """A field refused: :class:`Invalid` (422) naming it, in Chinese and English."""
        raise Invalid(fields=flatten_fields(error.messages))


def parse_form(schema: Schema | Mapping, *, checkboxes: Iterable[str] = ()) -> dict:
    """The posted form loaded by ``schema`` (a Schema instance or webargs' argument map
    of fields); :class:`Invalid` naming the fields at fault. See the module's text."""
    return FormParser(checkboxes).parse(schema, location="form")
