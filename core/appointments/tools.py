"""The tool-kit inventory (工具包) and a visit's tools: what is on the shelf, the kits,
checking a kit out to the worker before a 保洁 visit (stock goes down) and counting it
back in after (stock goes up by what came back; what did not is recorded as missing).

Stock moves with one conditional UPDATE per item (``stock >= n``), so two checkouts
racing for the last cloth cannot both take it.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..audit.service import diff, record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..pagination import apply_sort, paginate
from ..timeutil import utcnow
from ..transactions import transactional
from . import history
from .checks import check_version, commit, worker_for
from .models import Visit
from .models_tools import ToolItem, ToolKit, ToolKitItem, VisitTool


def _field(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def _save(name_field: str = "name") -> None:
    """Commit; a name already taken → 422 on the name (not a database error)."""
    try:
        commit()
    except IntegrityError:
        db.session.rollback()
        raise _field(name_field, "This name is taken already.", "该名称已存在。") from None


# ---------------------------------------------------------------------------------- items


def search_items(*, q: str | None = None, active: bool | None = None, page: int = 1,
                 per_page: int | None = None, sort: str | None = None) -> dict:
    """Items in stock, by name; ``q`` searches the name."""
    stmt = sa.select(ToolItem)
    if q:
        stmt = stmt.where(ToolItem.name.contains(q, autoescape=True))
    if active is not None:
        stmt = stmt.where(ToolItem.active.is_(active))
    stmt = apply_sort(stmt, sort, {"name": ToolItem.name, "stock": ToolItem.stock},
                      [ToolItem.name, ToolItem.id])
    return paginate(stmt, page, per_page)


def item_ids() -> list[int]:
    """The ids of every item in the inventory (the names of a form's per-item counts)."""
    return list(db.session.scalars(sa.select(ToolItem.id).order_by(ToolItem.id)))


def get_item(item_id: int) -> ToolItem:
    """One item, or 404."""
    item = db.session.get(ToolItem, item_id)
    if item is None:
        raise NotFound(Msg("There is no such tool.", "没有该工具。"))
    return item


_ITEM_FIELDS = ("name", "unit", "stock", "active", "note")


@transactional
def create_item(data: dict, actor_id: int) -> ToolItem:
    """Add an item to the inventory with its stock count."""
    now = utcnow()
    item = ToolItem(**{k: data[k] for k in _ITEM_FIELDS if k in data}, created_at=now,
                    updated_at=now)
    db.session.add(item)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise _field("name", "This name is taken already.", "该名称已存在。") from None
    record("create", "tool_item", item.id, f"tool {item.name}: {item.stock}",
           actor_id=actor_id)
    _save()
    return item


@transactional
def update_item(item: ToolItem, version: int, changes: dict, actor_id: int) -> ToolItem:
    """Rename an item, set its counted stock (盘点), retire it; stale version → 409."""
    check_version(item, version)
    before = {k: getattr(item, k) for k in _ITEM_FIELDS}
    for key in _ITEM_FIELDS:
        if changes.get(key) is not None:
            setattr(item, key, changes[key])
    changed = diff(before, {k: getattr(item, k) for k in _ITEM_FIELDS})
    if changed:
        item.updated_at = utcnow()
        record("update", "tool_item", item.id, f"tool {item.name}", changed, actor_id=actor_id)
    _save()
    return item


# ----------------------------------------------------------------------------------- kits


def list_kits(active: bool | None = True) -> list[ToolKit]:
    """Tool kits by name (only active ones unless ``active`` is None/False)."""
    stmt = sa.select(ToolKit).order_by(ToolKit.name, ToolKit.id)
    if active is not None:
        stmt = stmt.where(ToolKit.active.is_(active))
    return list(db.session.scalars(stmt))


def get_kit(kit_id: int) -> ToolKit:
    """One kit, or 404."""
    kit = db.session.get(ToolKit, kit_id)
    if kit is None:
        raise NotFound(Msg("There is no such tool kit.", "没有该工具包。"))
    return kit


def _counts(lines: list[dict], field: str = "items") -> dict[int, int]:
    """``[{item_id, quantity}]`` → {item_id: quantity}, each item once and known."""
    counts: dict[int, int] = {}
    for line in lines:
        counts[line["item_id"]] = counts.get(line["item_id"], 0) + line["quantity"]
    unknown = [i for i in counts if db.session.get(ToolItem, i) is None]
    if unknown:
        raise _field(field, f"No such tools: {unknown}.", f"没有这些工具：{unknown}。")
    return counts


def _set_kit_items(kit: ToolKit, lines: list[dict]) -> None:
    counts = _counts(lines)
    kit.items = [ToolKitItem(item_id=i, quantity=q) for i, q in counts.items()]


@transactional
def create_kit(data: dict, actor_id: int) -> ToolKit:
    """Make a tool kit: a name and the items with their counts."""
    now = utcnow()
    kit = ToolKit(name=data["name"], note=data.get("note", ""), created_at=now, updated_at=now)
    _set_kit_items(kit, data["items"])
    db.session.add(kit)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise _field("name", "This name is taken already.", "该名称已存在。") from None
    record("create", "tool_kit", kit.id, f"tool kit {kit.name}", actor_id=actor_id)
    _save()
    return kit


@transactional
def update_kit(kit: ToolKit, version: int, changes: dict, actor_id: int) -> ToolKit:
    """Rename a kit, change its items, or retire it (``active``); stale version → 409."""
    check_version(kit, version)
    before = {"name": kit.name, "note": kit.note, "active": kit.active,
              "items": {str(i.item_id): i.quantity for i in kit.items}}
    for key in ("name", "note", "active"):
        if changes.get(key) is not None:
            setattr(kit, key, changes[key])
    if changes.get("items") is not None:
        _set_kit_items(kit, changes["items"])
        db.session.flush()
    kit.updated_at = utcnow()
    after = {"name": kit.name, "note": kit.note, "active": kit.active,
             "items": {str(i.item_id): i.quantity for i in kit.items}}
    record("update", "tool_kit", kit.id, f"tool kit {kit.name}", diff(before, after),
           actor_id=actor_id)
    _save()
    return kit


# ------------------------------------------------------------------------ a visit's tools


def _move_stock(item_id: int, delta: int) -> bool:
    """Add ``delta`` (negative: take) to an item's stock unless that would go below 0."""
    result = db.session.execute(
        sa.update(ToolItem).where(ToolItem.id == item_id, ToolItem.stock + delta >= 0)
        .values(stock=ToolItem.stock + delta, version=ToolItem.version + 1,
                updated_at=utcnow())
        .execution_options(synchronize_session="fetch"))
    return result.rowcount == 1


@transactional
def check_out(visit: Visit, actor_id: int, *, kit_id: int | None = None,
              items: list[dict] | None = None, worker_id: int | None = None) -> Visit:
    """Check the tools out to the visit's worker (领工具): a kit's items, or the items
    given (``items`` wins over the kit). Stock goes down; too few on the shelf → 409
    naming the item, and nothing is taken."""
    if visit.status not in ("planned", "in_progress"):
        raise Conflict(Msg("Tools are checked out for a visit that is planned or under way.",
                           "只有待上门或服务中的上门才能领工具。"), code="visit_not_open")
    if visit.tools_out_at is not None:
        raise Conflict(Msg("The tools for this visit are out already.",
                           "这次上门的工具已领出。"), code="tools_out")
    kit = get_kit(kit_id) if kit_id is not None else None
    if kit is not None and not kit.active:
        raise _field("kit_id", "This tool kit is retired.", "该工具包已停用。")
    if items:
        counts = _counts(items)
    elif kit is not None:
        counts = {line.item_id: line.quantity for line in kit.items}
    else:
        raise _field("items", "Choose a tool kit or list the tools.", "请选择工具包或列出工具。")
    if not counts:
        raise _field("items", "The kit holds no tools.", "该工具包里没有工具。")
    if worker_id is None and visit.worker_id is None and visit.order.worker_id is None:
        raise Conflict(Msg("Assign a worker first: tools are checked out to her.",
                           "请先指派阿姨：工具要领给具体的阿姨。"), code="no_worker")
    worker = worker_for(visit.order, worker_id or visit.worker_id).id
    for item_id, quantity in counts.items():
        item = db.session.get(ToolItem, item_id)
        if not item.active:
            raise _field("items", f"{item.name} is retired.", f"{item.name} 已停用。")
        if not _move_stock(item_id, -quantity):
            db.session.rollback()
            item = db.session.get(ToolItem, item_id)
            raise Conflict(Msg("Only {n} {unit} of {name} in stock; {want} asked for.",
                               "{name} 库存只有 {n} {unit}，需要 {want}。").format(
                name=item.name, n=item.stock, unit=item.unit, want=quantity),
                code="out_of_stock")
        visit.tools.append(VisitTool(item_id=item_id, quantity_out=quantity))
    now = utcnow()
    visit.kit_id, visit.worker_id = kit.id if kit else None, worker
    visit.tools_out_at, visit.tools_out_by_id, visit.updated_at = now, actor_id, now
    history.note(visit.order, "tools_checked_out", actor_id, f"#{visit.seq}",
                 {"visit_id": visit.id, "kit_id": visit.kit_id, "worker_id": worker,
                  "items": {str(i): q for i, q in counts.items()}})
    record("update", "visit", visit.id, f"visit {visit.seq}: tools checked out",
           {"tools_out": [None, {str(i): q for i, q in counts.items()}]}, actor_id=actor_id)
    commit()
    return visit


@transactional
def count_in(visit: Visit, actor_id: int, counts: list[dict], note: str = "") -> Visit:
    """Count the tools back in (清点归还): every item checked out needs its count back;
    what came back returns to stock, the rest is recorded as missing (缺失) and flags
    the visit."""
    if visit.tools_out_at is None:
        raise Conflict(Msg("No tools were checked out for this visit.",
                           "这次上门没有领工具。"), code="tools_not_out")
    if visit.tools_back_at is not None:
        raise Conflict(Msg("The tools of this visit were counted in already.",
                           "这次上门的工具已清点归还。"), code="tools_back")
    back: dict[int, int] = {}
    for line in counts:
        back[line["item_id"]] = back.get(line["item_id"], 0) + line["quantity"]
    lines = {line.item_id: line for line in visit.tools}
    unknown = sorted(set(back) - set(lines))
    if unknown:
        raise _field("items", f"These tools were not checked out: {unknown}.",
                     f"这些工具没有领出：{unknown}。")
    uncounted = [lines[i].item.name for i in lines if i not in back]
    if uncounted:
        raise _field("items", "Count every tool back in: " + ", ".join(uncounted) + ".",
                     "请清点每一件工具：" + "、".join(uncounted) + "。")
    too_many = [lines[i].item.name for i, n in back.items() if n > lines[i].quantity_out]
    if too_many:
        raise _field("items", "More came back than went out: " + ", ".join(too_many) + ".",
                     "归还数量多于领出数量：" + "、".join(too_many) + "。")
    missing = {}
    for item_id, line in lines.items():
        line.quantity_back = back[item_id]
        if line.missing:
            missing[line.item.name] = line.missing
        if back[item_id]:
            _move_stock(item_id, back[item_id])
    now = utcnow()
    visit.tools_back_at, visit.tools_back_by_id, visit.updated_at = now, actor_id, now
    visit.tools_missing, visit.tools_note = bool(missing), (note or "")[:255]
    history.note(visit.order, "tools_returned", actor_id,
                 f"#{visit.seq}" + ("".join(f" {k}×{n}" for k, n in missing.items())
                                    if missing else ""),
                 {"visit_id": visit.id, "missing": missing or None})
    record("update", "visit", visit.id,
           f"visit {visit.seq}: tools counted in" + (f", missing {missing}" if missing else ""),
           {"tools_missing": [None, missing or None]}, actor_id=actor_id)
    commit()
    return visit
