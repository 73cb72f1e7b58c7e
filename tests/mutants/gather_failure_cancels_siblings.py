"""Mutant (breaks gather.exception.others-keep-running): when a child raises (return_exceptions=False), gather cancels the other children, as
TaskGroup does; gather must leave them running."""

def apply(asyncio):
    original = asyncio.gather

    def gather(*aws, return_exceptions=False, **kwargs):
        outer = original(*aws, return_exceptions=return_exceptions, **kwargs)
        children = list(getattr(outer, "_children", ()))
        if return_exceptions:
            return outer

        def child_done(c):
            if not c.cancelled() and c.exception() is not None:
                for s in children:
                    if s is not c and not s.done():
                        s.cancel()

        for c in children:
            c.add_done_callback(child_done)
        return outer

    asyncio.gather = gather
