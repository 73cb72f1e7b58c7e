"""Mutant (breaks task.never-retrieved): the loop drops "exception was never retrieved" reports."""

def apply(asyncio):
    base = asyncio.base_events.BaseEventLoop
    original = base.call_exception_handler

    def call_exception_handler(self, context):
        if "never retrieved" in str(context.get("message", "")):
            return
        return original(self, context)

    base.call_exception_handler = call_exception_handler
