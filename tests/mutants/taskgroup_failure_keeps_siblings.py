"""Mutant (breaks taskgroup.failure-cancels-siblings): a TaskGroup whose child fails does not cancel the other children (3.11+)."""

def apply(asyncio):
    group = getattr(asyncio, "TaskGroup", None)
    if group is None:
        return

    def _abort(self):
        self._aborting = True

    group._abort = _abort
