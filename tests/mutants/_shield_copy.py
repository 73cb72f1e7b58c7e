"""Helper (not a mutant): asyncio.shield as in CPython 3.8-3.13, with the decision points
a mutant may replace."""


def install(asyncio, on_inner_cancelled=None, detach=True):
    """on_inner_cancelled(outer): what the outer future gets when the child is cancelled
    (default: cancelled); detach: whether cancelling the outer future removes the inner
    callback (shield.never-retrieved)."""
    ensure_future = asyncio.ensure_future

    def shield(arg):
        inner = ensure_future(arg)
        if inner.done():
            return inner
        loop = inner.get_loop()
        outer = loop.create_future()

        def _inner_done_callback(inner):
            if outer.cancelled():
                if not inner.cancelled():
                    inner.exception()  # mark inner's result as retrieved
                return
            if inner.cancelled():
                if on_inner_cancelled is None:
                    outer.cancel()
                else:
                    on_inner_cancelled(outer)
            else:
                exc = inner.exception()
                if exc is not None:
                    outer.set_exception(exc)
                else:
                    outer.set_result(inner.result())

        def _outer_done_callback(outer):
            if detach and not inner.done():
                inner.remove_done_callback(_inner_done_callback)

        inner.add_done_callback(_inner_done_callback)
        outer.add_done_callback(_outer_done_callback)
        return outer

    asyncio.shield = shield
