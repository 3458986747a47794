"""A kernel client for unattended runs that reads every reply as soon as it has arrived.

nbclient waits for a cell's ``execute_reply`` with one asyncio poll of the shell socket that
lasts the whole cell timeout. On a loaded machine that poll can miss the wake-up for a reply
which has already arrived (the kernel sent it on time; its timestamp says so), most often
right after a slider cell, whose widgets and pictures arrive on IOPub in one burst at the
moment the reply does. The reply is then only read by pyzmq's last look when the poll times
out: the run sits idle for exactly the cell timeout and carries on with correct outputs.

The channels here wait in short polls instead, each ending with that same look, so a missed
wake-up costs at most ``POLL_SECONDS``. Use :func:`notebook_client` (or
``kernel_manager_class=CourseKernelManager``) wherever a notebook runs unattended.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

POLL_SECONDS = 0.5


class PromptChannel(AsyncZMQSocketChannel):
    """A channel whose ``get_msg`` polls in slices of ``POLL_SECONDS`` up to its timeout."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        """The next message; ``queue.Empty`` if none arrives within ``timeout`` seconds."""
        assert self.socket is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SECONDS if deadline is None else deadline - time.monotonic()
            if await self.socket.poll(int(max(0.0, min(POLL_SECONDS, left)) * 1000)):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty


class CourseKernelClient(AsyncKernelClient):
    """nbclient's kernel client, with shell and IOPub replies read without a missed wake-up."""

    shell_channel_class = Type(PromptChannel)
    iopub_channel_class = Type(PromptChannel)


class CourseKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, handing out :class:`CourseKernelClient`."""

    client_class = DottedObjectName("course_helpers.kernel_client.CourseKernelClient")
    client_factory = Type(CourseKernelClient, klass=AsyncKernelClient, config=True)


def notebook_client(notebook: Any, **options: Any):
    """An ``nbclient.NotebookClient`` for ``notebook`` that uses :class:`CourseKernelManager`."""
    from nbclient import NotebookClient

    options.setdefault("kernel_manager_class", CourseKernelManager)
    return NotebookClient(notebook, **options)
