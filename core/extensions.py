"""Unbound extension objects, bound to an app in :func:`core.app.create_app`."""
import sqlalchemy as sa
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model; constraint names are deterministic for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


def only_for(dialect: str):
    """An Alembic ``include_object`` that leaves out schema objects meant for another
    database (an ``Index(...).ddl_if(dialect=...)``), so comparing the models with a
    database of ``dialect`` does not ask for them."""
    def include(obj, name, type_, reflected, compare_to) -> bool:
        cond = getattr(obj, "_ddl_if", None)
        wanted = getattr(cond, "dialect", None)
        if wanted is None:
            return True
        return dialect in ((wanted,) if isinstance(wanted, str) else tuple(wanted))
    return include


def in_ids(column, ids) -> sa.ColumnElement:
    """``column IN ids`` for a long list of integer ids: on PostgreSQL one array
    parameter (``= ANY(:ids)``) — thousands of separate parameters cost the driver more
    than the query; elsewhere a plain IN list."""
    ids = [int(i) for i in ids]
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, ids, type_=ARRAY(sa.Integer)))
    return column.in_(ids)
