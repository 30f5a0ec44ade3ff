"""The save/restore protocol any environment can implement, after plangym's.

An env (its unwrapped env or any wrapper around it) that defines both methods is saved through them::

    class MyEnv(gym.Env):
        def get_state(self):
            \"\"\"Returns the env's whole dynamic state as a picklable value.

            Returns:
                state (object): everything a later ``step`` depends on (positions, counters, RNG state, ...), never a
                    reference into the env (the value must stay valid while the env goes on stepping).
            \"\"\"

        def set_state(self, state):
            \"\"\"Puts the env into ``state``, a value ``get_state`` returned (perhaps in another process).

            Args:
                state (object): the value to restore; after ``set_state(s)``, stepping gives exactly what stepping
                    the env that returned ``s`` gave.
            \"\"\"

The outermost object in the wrapper chain that has both methods is used; the server adds the Gymnasium RNG state
and the counters of Gymnasium's own wrappers below it (TimeLimit, OrderEnforcing), so ``get_state`` need only cover
the env's own fields.
"""

from __future__ import annotations

from dirpg.adapters.base import NotApplicable, PooledAdapter, wrapper_chain

PROTOCOL_HINT = ("implement get_state() -> picklable value and set_state(value) on the env or a wrapper "
                 "(dirpg.adapters.protocol)")


def _holder(env):
    for obj in (*wrapper_chain(env), env.unwrapped):
        if callable(getattr(type(obj), "get_state", None)) and callable(getattr(type(obj), "set_state", None)):
            return obj
    return None


class ProtocolAdapter(PooledAdapter):
    kind = 7

    def __init__(self, make, env):
        holder = _holder(env)
        if holder is None:
            raise NotApplicable("no get_state()/set_state() on the env or its wrappers")
        super().__init__(make)
        self._index = [*wrapper_chain(env), env.unwrapped].index(holder)
        self.name = f"{type(holder).__name__}.get_state()/set_state()"

    def _holder_of(self, slot):
        return [*slot.chain, slot.u][self._index]

    def get(self, slot):
        return self._holder_of(slot).get_state()

    def put(self, slot, value):
        self._holder_of(slot).set_state(value)
