"""Mutant (breaks loop.timer.equal-deadline): a timer whose deadline equals one already scheduled on the loop fires one unit later."""

def apply(asyncio):
    base = asyncio.base_events.BaseEventLoop
    original = base.call_at

    def call_at(self, when, callback, *args, **kwargs):
        seen = self.__dict__.setdefault("_mutant_deadlines", set())
        if when in seen:
            when = when + 1
        seen.add(when)
        return original(self, when, callback, *args, **kwargs)

    base.call_at = call_at
