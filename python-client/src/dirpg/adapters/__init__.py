"""Snapshot formats by environment family, chosen automatically at server start (``select``).

Order of preference: the env's own ``get_state()/set_state()`` (dirpg.adapters.protocol), then the family formats
(MiniGrid, Atari through ale-py, MinAtar, classic control and toy text), then the whole-env pickle. Each candidate
that applies is checked by a probe before it is chosen (``probe``: a seeded episode stepped from restored states
must match the same episode stepped live, in observation bytes, reward, terminated and truncated). An env that no
format saves is refused with one line naming the protocol to implement.
"""

from __future__ import annotations

from dirpg.adapters.base import Adapter, NotApplicable
from dirpg.adapters.select import FORMATS, probe, select

__all__ = ["Adapter", "NotApplicable", "FORMATS", "probe", "select"]
