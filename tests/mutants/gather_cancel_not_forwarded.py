"""Mutant (breaks gather.cancel.outer-cancels-children): cancel() on a gather's future cancels only that future, not its children (the
_GatheringFuture.cancel override forgotten)."""

def apply(asyncio):
    gathering = asyncio.tasks._GatheringFuture
    plain_cancel = asyncio.Future.cancel

    def cancel(self, *args, **kwargs):
        return plain_cancel(self, *args, **kwargs)

    gathering.cancel = cancel
