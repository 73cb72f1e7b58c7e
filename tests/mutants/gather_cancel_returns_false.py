"""Mutant (breaks gather.cancel.returns): cancel() on a pending gather returns False although it cancelled the children (the
return value of the children's cancel() calls lost)."""

def apply(asyncio):
    gathering = asyncio.tasks._GatheringFuture
    original = gathering.cancel

    def cancel(self, *args, **kwargs):
        original(self, *args, **kwargs)
        return False

    gathering.cancel = cancel
