"""Mutant (breaks run.shutdown.cancel-leftover): asyncio.run's shutdown does not cancel the tasks still pending when main returns."""

def apply(asyncio):
    runners = asyncio.runners
    if hasattr(runners, "_cancel_all_tasks"):
        runners._cancel_all_tasks = lambda loop: None
