"""The live event stream: what each write transaction records (record.py), how every worker tails the
outbox (feed.py), and the `text/event-stream` response that serves it (stream.py)."""
