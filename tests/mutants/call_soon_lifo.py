"""Mutant (breaks loop.call_soon.fifo): the loop runs ready callbacks last-in first-out."""

def apply(asyncio):
    base = asyncio.base_events.BaseEventLoop
    original = base._call_soon

    def _call_soon(self, *args, **kwargs):
        handle = original(self, *args, **kwargs)
        if self._ready and self._ready[-1] is handle:
            self._ready.pop()
            self._ready.appendleft(handle)
        return handle

    base._call_soon = _call_soon
