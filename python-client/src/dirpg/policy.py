"""A DirPG policy in numpy, loaded from a checkpoint: act without a server, as SB3's ``model.predict(obs)`` does.

A checkpoint written by ``train``, ``serve`` (``SaveCheckpoint``), ``experiment`` or the Java library carries the
policy's flat parameters theta and, since checkpoints record it, the policy's architecture (its ``network`` object,
format ``dirpg-policy-v1``). :meth:`Policy.load` rebuilds the policy from those two alone, with no environment and no
Java:

- ``net``: the network the Java side built from the observation spaces: each image part through its CNN
  (convolutions without padding, flattened channel by channel, an optional dense layer), the other parts encoded
  (``Discrete``/``MultiDiscrete`` one-hot, bounded ``Box`` scaled to [-1, 1], the rest as they are), concatenated, the
  hidden layers, then a linear head; computed in float32 as the Java layers are;
- ``linear``: a linear softmax on the encoded parts (``--policy linear``);
- ``bernoulli``: the spanning-tree bandit's per-decision policy (the decision is the position of the one-hot feature).

The logits are masked to the legal actions and normalised (a log-softmax over the legal ones; illegal actions get
``-inf``). Greedy actions are the most probable legal action, the lowest index on ties, as the trainer's ``Act``.

Example::

    from dirpg import Policy, evaluate
    policy = Policy.load("runs/dirpg-DeepSea-v0-seed0/checkpoint.json")
    action = policy.act(obs, greedy=True, action_mask=info.get("action_mask"))
    mean, std = evaluate(policy, env, episodes=100)
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "dirpg-policy-v1"


def _floats(values) -> np.ndarray:
    return np.array([float(v) for v in values], dtype=np.float64)  # "Infinity" / "-Infinity" as JSON strings


@dataclass(frozen=True)
class _Input:
    name: str
    offset: int
    size: int
    encoding: dict

    @property
    def kind(self) -> str:
        return self.encoding["type"]

    @property
    def width(self) -> int:
        if self.kind == "image":
            return 0
        if self.kind == "onehot":
            return int(sum(self.encoding["nvec"]))
        return self.size


def _activation(name: str, x: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.maximum(x, np.float32(0))
    if name == "tanh":
        return np.tanh(x)
    if name == "identity":
        return x
    raise ValueError(f"unknown activation '{name}' in the checkpoint's network; known: identity, relu, tanh")


class _Params:
    """Reads theta in the Java side's layout (DL4J's: layer by layer; a conv's bias first then W [out][in][kh][kw];
    a dense layer's W [in][out] column-major, then its bias)."""

    def __init__(self, theta: np.ndarray):
        self.theta = theta
        self.at = 0

    def conv(self, c_in: int, c_out: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        b = self.theta[self.at:self.at + c_out]
        n = c_out * c_in * k * k
        w = self.theta[self.at + c_out:self.at + c_out + n].reshape(c_out, c_in, k, k)
        self.at += c_out + n
        return w.astype(np.float32), b.astype(np.float32)

    def dense(self, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
        w = self.theta[self.at:self.at + n_in * n_out].reshape(n_out, n_in).T
        b = self.theta[self.at + n_in * n_out:self.at + n_in * n_out + n_out]
        self.at += n_in * n_out + n_out
        return np.ascontiguousarray(w, dtype=np.float32), b.astype(np.float32)


class Policy:
    """A policy rebuilt from a DirPG checkpoint. Build it with :meth:`load`, :meth:`from_bytes` or
    :meth:`from_checkpoint`; then :meth:`log_probs`, :meth:`act` or :meth:`predict` (SB3's spelling) on observations
    as a Gymnasium env returns them (a dict of parts, or one array), or on flat feature vectors."""

    def __init__(self, network: dict, parameters, *, settings: dict | None = None, updates_done: int = 0):
        if network.get("format") != FORMAT:
            raise ValueError(f"network: format must be '{FORMAT}', got {network.get('format')!r}")
        self.kind: str = network["kind"]
        self.num_actions: int = int(network["num_actions"])
        self.theta = np.asarray(parameters, dtype=np.float64)
        if self.theta.shape != (int(network["num_parameters"]),):
            raise ValueError(f"the checkpoint has {self.theta.size} parameters but its network says "
                             f"{network['num_parameters']}")
        self.settings = settings or {}
        self.updates_done = updates_done
        self.env_id: str = self.settings.get("envId", "")
        self.inputs = [_Input(i["name"], int(i["offset"]), int(i["size"]), i["encoding"])
                       for i in network.get("inputs", [])]
        self.feature_size = sum(i.size for i in self.inputs) if self.inputs else None
        self._hidden = [int(h) for h in network.get("hidden", [])]
        self._hidden_activation = network.get("hidden_activation", "identity")
        if self.kind == "net":
            self._build_net()
        elif self.kind == "linear":
            width = sum(i.width for i in self.inputs)
            n = self.num_actions * width
            self._w = self.theta[:n].reshape(self.num_actions, width)
            self._b = self.theta[n:n + self.num_actions]
        elif self.kind != "bernoulli":
            raise ValueError(f"network: unknown policy kind '{self.kind}'; known: net, linear, bernoulli")

    # ----- construction ---------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        """The policy of a checkpoint file: JSON, or gzip-compressed JSON when the name ends in ``.gz``."""
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"no checkpoint file at {p}")
        data = p.read_bytes()
        return cls.from_bytes(gzip.decompress(data) if p.name.endswith(".gz") else data, where=str(p))

    @classmethod
    def from_bytes(cls, data: bytes, where: str = "checkpoint") -> Policy:
        """The policy of a checkpoint's bytes (e.g. ``TrainerClient.save_checkpoint(run).data``)."""
        try:
            checkpoint = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"{where}: not a DirPG checkpoint (JSON): {e}") from None
        return cls.from_checkpoint(checkpoint, where=where)

    @classmethod
    def from_checkpoint(cls, checkpoint: dict, where: str = "checkpoint") -> Policy:
        """The policy of a parsed checkpoint object."""
        if not isinstance(checkpoint, dict) or checkpoint.get("format") != "dirpg-checkpoint-v1":
            raise ValueError(f"{where}: not a DirPG checkpoint (format 'dirpg-checkpoint-v1')")
        settings = checkpoint.get("settings") or {}
        if checkpoint.get("parameters") is None:
            raise ValueError(f"{where}: the run ({settings.get('algorithm', '?')}) has no policy parameters")
        network = checkpoint.get("network")
        if network is None:
            raise ValueError(f"{where}: written before checkpoints recorded the policy's network; write one that "
                             f"does with: java -jar target/dirpg.jar export --checkpoint {where} --json NEW.json")
        return cls(network, checkpoint["parameters"], settings=settings,
                   updates_done=int(checkpoint.get("updatesDone", 0)))

    def _build_net(self) -> None:
        params = _Params(self.theta)
        self._towers = []
        width = sum(i.width for i in self.inputs)  # the non-image parts' encodings
        for inp in self.inputs:
            if inp.kind != "image":
                continue
            enc = inp.encoding
            h, w, c = (int(v) for v in enc["shape"])
            layers = []
            for conv in enc["cnn"]["convs"]:
                k, s, out = int(conv["kernel"]), int(conv["stride"]), int(conv["channels"])
                weights, bias = params.conv(c, out, k)
                layers.append(("conv", weights, bias, k, s, conv["activation"]))
                h, w, c = (h - k) // s + 1, (w - k) // s + 1, out
            tower_width = h * w * c
            dense = int(enc["cnn"]["dense"])
            if dense > 0:
                weights, bias = params.dense(tower_width, dense)
                layers.append(("dense", weights, bias, "relu"))
                tower_width = dense
            self._towers.append((inp, layers))
            width += tower_width
        self._trunk = []
        for hidden in self._hidden:
            weights, bias = params.dense(width, hidden)
            self._trunk.append((weights, bias, self._hidden_activation))
            width = hidden
        weights, bias = params.dense(width, self.num_actions)
        self._trunk.append((weights, bias, "identity"))
        if params.at != self.theta.size:
            raise ValueError(f"the network uses {params.at} parameters, the checkpoint has {self.theta.size}")

    # ----- observations to features ---------------------------------------------------------------------------------

    def features(self, observation) -> np.ndarray:
        """The flat float64 feature vector(s) the Java side reads: the observation's parts in the network's order,
        each flattened row-major. Accepts a dict of parts (as Gymnasium and ``DirpgEnv`` return them; nested parts by
        their dotted names; extra keys such as MiniGrid's ``mission`` are ignored), one array, or feature vectors.
        Returns shape (features,) for one observation, (batch, features) for a batch."""
        if isinstance(observation, dict) or isinstance(observation, tuple):
            if not self.inputs:
                raise ValueError("this policy reads flat feature vectors, not a dict of parts")
            values = [np.asarray(_part(observation, inp.name), dtype=np.float64) for inp in self.inputs]
            per = {v.size // inp.size if inp.size and v.size % inp.size == 0 else -1
                   for v, inp in zip(values, self.inputs)}
            if len(per) != 1 or -1 in per:
                sizes = ", ".join(f"'{inp.name}' {v.size} (reads {inp.size})" for v, inp in zip(values, self.inputs))
                raise ValueError(f"observation parts do not fit the policy: {sizes}")
            n = per.pop()
            single = n == 1 and all(v.ndim <= len(_shape(inp)) for v, inp in zip(values, self.inputs))
            parts = [v.reshape(inp.size) if single else v.reshape(n, inp.size) for v, inp in zip(values, self.inputs)]
            return np.concatenate(parts, axis=-1)
        x = np.asarray(observation, dtype=np.float64)
        if self.feature_size is None or x.size == self.feature_size:
            return x.reshape(self.feature_size) if self.feature_size is not None else x
        if x.size % self.feature_size == 0:
            return x.reshape(-1, self.feature_size)
        raise ValueError(f"an observation of {x.size} values; the policy reads {self.feature_size} features"
                         + (f" ({', '.join(f'{i.name} {i.size}' for i in self.inputs)})" if self.inputs else ""))

    # ----- the policy ----------------------------------------------------------------------------------------------

    def logits(self, observation) -> np.ndarray:
        """The unmasked logits (shape (actions,), or (batch, actions) for a batch)."""
        x = self.features(observation)
        single = x.ndim == 1
        xb = x[None, :] if single else x
        if self.kind == "net":
            out = self._net_logits(xb)
        elif self.kind == "linear":
            out = self._encode(xb).astype(np.float64) @ self._w.T + self._b
        else:
            out = self._bernoulli_logits(xb)
        return out[0] if single else out

    def log_probs(self, observation, action_mask=None) -> np.ndarray:
        """log pi(a | observation) for every action a: ``-inf`` where ``action_mask`` (0/1 per action, or a bit-mask
        int; None: every action legal) says illegal."""
        logits = np.asarray(self.logits(observation), dtype=np.float64)
        single = logits.ndim == 1
        lb = logits[None, :] if single else logits
        legal = _legal(action_mask, lb.shape[0], self.num_actions)
        if not legal.any(axis=1).all():
            raise ValueError("an observation has no legal action (a terminal state has nothing to act on)")
        if self.kind == "bernoulli":
            out = _bernoulli_masked(lb, legal)
        else:
            masked = np.where(legal, lb, -np.inf)
            top = masked.max(axis=1, keepdims=True)
            out = masked - (top + np.log(np.exp(masked - top).sum(axis=1, keepdims=True)))
        return out[0] if single else out

    def act(self, observation, greedy: bool = False, action_mask=None, rng: np.random.Generator | None = None):
        """An action for one observation (an int), or an int64 array for a batch: the most probable legal action
        when ``greedy`` (lowest index on ties), else a draw from pi with ``rng`` (default: a fresh unseeded one)."""
        lp = self.log_probs(observation, action_mask)
        single = lp.ndim == 1
        lpb = lp[None, :] if single else lp
        if greedy:
            actions = np.argmax(lpb, axis=1)
        else:
            rng = rng if rng is not None else np.random.default_rng()
            p = np.exp(lpb)
            cdf = np.cumsum(p, axis=1)
            u = rng.random(lpb.shape[0]) * cdf[:, -1]
            actions = np.array([int(np.searchsorted(c, v, side="right")) for c, v in zip(cdf, u)])
            actions = np.minimum(actions, self.num_actions - 1)
            for i, a in enumerate(actions):  # a zero-probability action is never drawn, even at a cdf tie
                while not np.isfinite(lpb[i, a]):
                    a -= 1
                actions[i] = a
        actions = actions.astype(np.int64)
        return int(actions[0]) if single else actions

    def predict(self, observation, state=None, episode_start=None, deterministic: bool = False,
                action_masks=None):
        """SB3's ``predict``: ``(actions, None)``; ``deterministic`` is greedy."""
        return self.act(observation, greedy=deterministic, action_mask=action_masks), None

    def describe(self) -> str:
        """One line saying what the policy is."""
        return (f"dirpg policy: {self.kind} on {self.env_id or 'an environment'}, {self.num_actions} actions, "
                f"{self.theta.size:,} parameters, after {self.updates_done} updates")

    def __repr__(self) -> str:
        return f"<{self.describe()}>"

    # ----- internals -----------------------------------------------------------------------------------------------

    def _encode(self, xb: np.ndarray) -> np.ndarray:
        """The non-image parts' encodings, concatenated (float32, as the Java encoder writes them)."""
        cols = []
        for inp in self.inputs:
            if inp.kind == "image":
                continue
            v = xb[:, inp.offset:inp.offset + inp.size]
            enc = inp.encoding
            if inp.kind == "raw":
                cols.append(v.astype(np.float32))
            elif inp.kind == "scaled":
                lo = np.broadcast_to(_floats(enc["low"]), (inp.size,))
                hi = np.broadcast_to(_floats(enc["high"]), (inp.size,))
                ok = np.isfinite(lo) & np.isfinite(hi) & (hi > lo)
                span = np.where(ok, hi - lo, 1.0)
                cols.append(np.where(ok, 2 * (v - np.where(ok, lo, 0)) / span - 1, v).astype(np.float32))
            elif inp.kind == "onehot":
                for e, (n, start) in enumerate(zip(enc["nvec"], enc["start"])):
                    idx = v[:, e] - start
                    if not (np.all(idx >= 0) and np.all(idx < n) and np.all(idx == np.rint(idx))):
                        bad = v[:, e][~((idx >= 0) & (idx < n) & (idx == np.rint(idx)))][0]
                        raise ValueError(f"observation part '{inp.name}' has value {bad} at element {e}, outside its "
                                         f"space (integers {start} .. {start + n - 1})")
                    block = np.zeros((xb.shape[0], int(n)), dtype=np.float32)
                    block[np.arange(xb.shape[0]), idx.astype(np.int64)] = 1
                    cols.append(block)
            else:
                raise ValueError(f"unknown encoding '{inp.kind}' in the checkpoint's network")
        if not cols:
            return np.zeros((xb.shape[0], 0), dtype=np.float32)
        return np.concatenate(cols, axis=1)

    def _image(self, inp: _Input, xb: np.ndarray) -> np.ndarray:
        enc = inp.encoding
        h, w, c = (int(v) for v in enc["shape"])
        v = xb[:, inp.offset:inp.offset + inp.size]
        if enc["scaled"]:
            lo = np.broadcast_to(_floats(enc["low"]), (inp.size,))
            hi = np.broadcast_to(_floats(enc["high"]), (inp.size,))
            v = (v - lo) / (hi - lo)
        v = v.astype(np.float32)
        if enc["channels_first"]:
            return v.reshape(-1, c, h, w).transpose(0, 2, 3, 1)
        return v.reshape(-1, h, w, c)

    def _net_logits(self, xb: np.ndarray) -> np.ndarray:
        feats = []
        for inp, layers in self._towers:
            a = self._image(inp, xb)  # (B, h, w, c)
            for layer in layers:
                if layer[0] == "conv":
                    _, weights, bias, k, s, act = layer
                    a = _activation(act, _conv(a, weights, bias, k, s))
                else:
                    _, weights, bias, act = layer
                    a = _activation(act, _flat(a) @ weights + bias)
            feats.append(_flat(a) if a.ndim == 4 else a)
        feats.append(self._encode(xb))
        a = np.concatenate(feats, axis=1).astype(np.float32)
        for weights, bias, act in self._trunk:
            a = _activation(act, a @ weights + bias)
        return a.astype(np.float64)

    def _bernoulli_logits(self, xb: np.ndarray) -> np.ndarray:
        """(log P(0), log P(1)) per observation: -softplus(t), -softplus(-t) for the one-hot decision's logit t."""
        hot = xb == 1.0
        if not np.all(hot.sum(axis=1) == 1) or xb.shape[1] != self.theta.size:
            raise ValueError(f"the bandit policy reads a one-hot decision vector of {self.theta.size} features")
        t = self.theta[np.argmax(hot, axis=1)]
        return np.stack([-np.logaddexp(0, t), -np.logaddexp(0, -t)], axis=1)


def _conv(a: np.ndarray, weights: np.ndarray, bias: np.ndarray, k: int, s: int) -> np.ndarray:
    """A valid (no padding) convolution of (B, h, w, c) by W [out][c][kh][kw], stride s: (B, h', w', out)."""
    b, h, w, c = a.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    windows = np.lib.stride_tricks.sliding_window_view(a, (k, k), axis=(1, 2))[:, ::s, ::s]  # (B, oh, ow, c, kh, kw)
    out = np.tensordot(windows[:, :oh, :ow], weights, axes=([3, 4, 5], [1, 2, 3]))
    return (out + bias).astype(np.float32)


def _flat(a: np.ndarray) -> np.ndarray:
    """(B, h, w, c) flattened channel by channel, as the Java side's Flatten (DL4J's [c][h][w] order)."""
    return a.transpose(0, 3, 1, 2).reshape(a.shape[0], -1)


def _shape(inp: _Input) -> tuple:
    """The shape one observation's part has at most (a Discrete part is a scalar; a batch adds a leading axis)."""
    return tuple(inp.encoding.get("shape", ())) if inp.kind == "image" else ((inp.size,) if inp.size > 1 else ())


def _part(observation, name: str):
    if isinstance(observation, dict) and name in observation:
        return observation[name]
    node: Any = observation
    for key in name.split("."):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, (tuple, list)) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            known = ", ".join(map(str, observation.keys())) if isinstance(observation, dict) else "positions"
            raise ValueError(f"the observation has no part '{name}' (it has {known})")
    return node


def _legal(action_mask, batch: int, n: int) -> np.ndarray:
    if action_mask is None:
        return np.ones((batch, n), dtype=bool)
    if isinstance(action_mask, (int, np.integer)):
        bits = np.array([(int(action_mask) >> a) & 1 for a in range(n)], dtype=bool)
        return np.broadcast_to(bits, (batch, n))
    m = np.asarray(action_mask)
    if m.shape == (n,):
        return np.broadcast_to(m.astype(bool), (batch, n))
    if m.shape == (batch, n):
        return m.astype(bool)
    raise ValueError(f"action_mask has shape {m.shape}; give ({n},) or ({batch}, {n}) 0/1 values, or a bit-mask int")


def _bernoulli_masked(logp: np.ndarray, legal: np.ndarray) -> np.ndarray:
    """As the Java BernoulliPolicy: with one legal action it is taken with probability 1."""
    out = logp.copy()
    one = legal.sum(axis=1) == 1
    out[one] = np.where(legal[one], 0.0, -np.inf)
    return out


def evaluate(policy: Policy, env, episodes: int = 10, *, greedy: bool = True, seed: int | None = 0,
             return_episode_rewards: bool = False, max_steps: int | None = None):
    """Runs ``policy`` on ``env`` (a Gymnasium env) for ``episodes`` episodes, in SB3's ``evaluate_policy`` spirit.

    Episode i is reset with ``seed + i`` (``seed=None``: unseeded); actions follow ``info["action_mask"]`` when the env
    gives one; sampled actions (``greedy=False``) draw from a generator seeded with ``seed``. Returns (mean return,
    standard deviation), or with ``return_episode_rewards`` the lists (returns, lengths). ``max_steps`` cuts an episode
    of an env with no limit of its own.
    """
    if episodes < 1:
        raise ValueError(f"episodes must be >= 1, got {episodes}")
    rng = np.random.default_rng(seed)
    returns, lengths = [], []
    for i in range(episodes):
        obs, info = env.reset(seed=None if seed is None else seed + i)
        total, steps, done = 0.0, 0, False
        while not done:
            action = policy.act(obs, greedy=greedy, action_mask=info.get("action_mask"), rng=rng)
            obs, reward, terminated, truncated, info = env.step(action)
            total += float(reward)
            steps += 1
            done = terminated or truncated or (max_steps is not None and steps >= max_steps)
        returns.append(total)
        lengths.append(steps)
    if return_episode_rewards:
        return returns, lengths
    return float(np.mean(returns)), float(np.std(returns))


__all__ = ["Policy", "evaluate", "FORMAT"]
