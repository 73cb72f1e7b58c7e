"""Helper (not a mutant): replaces asyncio's task classes with subclasses that override
some methods, before the adapter builds its Task subclass from them (it reads
asyncio.tasks._CTask / _PyTask when it parses its options)."""


def patch_task_methods(asyncio, make_methods):
    """make_methods(base) -> {name: function}; applied to the C and the Python task."""
    tasks = asyncio.tasks
    for attr in ("_CTask", "_PyTask"):
        base = getattr(tasks, attr, None)
        if base is None:
            continue
        cls = type(base.__name__, (base,), make_methods(base))
        cls.__module__ = base.__module__
        cls.__qualname__ = base.__qualname__
        setattr(tasks, attr, cls)
