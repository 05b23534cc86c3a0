"""Every write to returns, split per use case.

``workflow``: one function per status change; ``eligibility``: the rules and the engine;
``requests``: submitting a return; ``refunds``: the refund ledger.
"""

from returns.services.workflow import ALLOWED_TRANSITIONS, return_approve, return_reject, return_transition

__all__ = ["ALLOWED_TRANSITIONS", "return_approve", "return_reject", "return_transition"]
