"""Idempotent creation: a retried placeOrder (or close, reverse, cancel-all) with its Idempotency-Key gets
the first response again instead of acting twice."""

from paperbroker.idempotency.middleware import CREATING, IdempotencyKeys
from paperbroker.idempotency.records import Records, open_records

__all__ = ["CREATING", "IdempotencyKeys", "Records", "open_records"]
