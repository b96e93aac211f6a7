"""docs/privacy.md's access matrix is the one the code enforces."""
from pathlib import Path

from core.customers.disclosure import MATRIX

DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def test_the_documented_matrix_is_the_enforced_one():
    text = DOC.read_text(encoding="utf-8").split("<!-- matrix -->")[1].split("<!-- /matrix -->")[0]
    rows = [[c.strip() for c in line.strip("|").split("|")]
            for line in text.strip().splitlines()]
    header, body = rows[0], rows[2:]
    roles = header[1:]
    documented = {}
    for row in body:
        for role, cell in zip(roles, row[1:], strict=True):
            without, _, with_grant = cell.partition(" → ")
            documented[(row[0], role)] = (without, with_grant or without)
    assert documented == MATRIX
