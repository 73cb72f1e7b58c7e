"""Mutant (breaks gather.exception.first-propagates): gather propagates the LAST child exception, after every child is done, instead of the first
one as soon as it happens (a gather written as "collect everything, then raise")."""

def apply(asyncio):
    original = asyncio.gather

    def gather(*aws, return_exceptions=False, **kwargs):
        inner = original(*aws, return_exceptions=True, **kwargs)
        if return_exceptions:
            return inner
        outer = inner.get_loop().create_future()

        def inner_done(f):
            if outer.done():
                return
            if f.cancelled():
                outer.cancel()
                return
            errors = [r for r in f.result() if isinstance(r, BaseException)]
            if errors:
                outer.set_exception(errors[-1])
            else:
                outer.set_result(f.result())

        def outer_done(o):
            if o.cancelled():
                inner.cancel()

        inner.add_done_callback(inner_done)
        outer.add_done_callback(outer_done)
        return outer

    asyncio.gather = gather
