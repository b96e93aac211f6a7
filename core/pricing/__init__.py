"""Price tables (价目表): the company's own copy of each service line's prices."""
