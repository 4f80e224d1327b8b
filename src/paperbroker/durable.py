"""DurableAnswers: no answer leaves before the commits made while its request ran are on disk.

The service's store commits without waiting for the disk (store/groupcommit.py); this middleware holds
each response's start until a flush covering those commits has ended. A request during which nothing was
committed (most reads, when nobody writes) is answered at once.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperbroker.store.groupcommit import GroupCommit


class DurableAnswers:
    def __init__(self, app: ASGIApp, commits: GroupCommit) -> None:
        self.app = app
        self.commits = commits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        commits = self.commits
        before = commits.committed

        async def send_when_durable(message: Message) -> None:
            if message["type"] == "http.response.start" and commits.committed > before:
                await commits.durable(commits.committed)
            await send(message)

        await self.app(scope, receive, send_when_durable)
