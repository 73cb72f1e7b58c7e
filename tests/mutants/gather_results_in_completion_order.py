"""Mutant (breaks gather.order): gather's result list is in the order the children completed, not in argument order."""

def apply(asyncio):
    original = asyncio.gather

    def gather(*aws, **kwargs):
        outer = original(*aws, **kwargs)
        children = list(getattr(outer, "_children", ()))
        finished = []
        for c in children:
            c.add_done_callback(finished.append)
        plain_set_result = outer.set_result

        def set_result(results):
            order = [c for c in finished if c in children]
            order += [c for c in children if c not in order]
            by_child = dict(zip(map(id, children), results))
            plain_set_result([by_child[id(c)] for c in order])

        outer.set_result = set_result
        return outer

    asyncio.gather = gather
