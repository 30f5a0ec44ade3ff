"""The last resort: ``pickle`` of the whole wrapped env (the unwrapped env, the wrappers' state and ``np_random``).

Restoring unpickles a private copy, so stepping needs no lock. It is slow for envs with large constant tables (Taxi's
transition table pickles to 84 KiB) and wrong for envs whose pickling re-creates them from their constructor
arguments (Gymnasium's ``EzPickle``, e.g. ale-py's AtariEnv): the start-up probe (dirpg.adapters.select) catches
that, so such an env is refused rather than served wrongly.
"""

from __future__ import annotations

import pickle

from dirpg.adapters.base import PICKLE, Adapter, NotApplicable


class PickleAdapter(Adapter):
    kind = 1
    name = "whole-env pickle (last resort)"

    def __init__(self, make, env):
        try:
            pickle.dumps(env, protocol=PICKLE)
        except Exception as e:  # any failure of pickling means this format cannot save the env
            raise NotApplicable(f"the env does not pickle ({type(e).__name__}: {e})") from None

    def capture(self, env, episode):
        return pickle.dumps(env, protocol=PICKLE)

    def acquire(self, payload, key=None):
        return pickle.loads(payload), b"", None
