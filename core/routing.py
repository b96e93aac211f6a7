"""URL rules whose URL builders are compiled when first used.

Werkzeug compiles two Python functions per rule (building its URL with and without extra
query arguments) as the rule is added: with ≈ 430 rules that was ≈ 0.45 s of every app's
start-up, paid by every test and every worker process, although a process builds URLs for
a small part of its rules. :class:`LazyBuilderRule` compiles a rule's builder the first
time a URL is built from it, then keeps it; matching and building behave exactly as
Werkzeug's own (it is Werkzeug's compiler, called later).
"""
from __future__ import annotations

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A :class:`~werkzeug.routing.Rule` that compiles each URL builder on first use."""

    def _compile_builder(self, append_unknown: bool = True):
        attr = "_build_unknown" if append_unknown else "_build"

        def build_on_first_use(rule: LazyBuilderRule, **values):
            builder = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attr, builder)  # later builds call the compiled one directly
            return builder(**values)

        return build_on_first_use
