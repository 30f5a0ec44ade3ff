"""TrainerClient against the real Java server (java -jar target/dirpg.jar serve) on native environments."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import grpc
import numpy as np
import pytest

from dirpg import launch

pytest.importorskip("dirpg.train.v1.trainer_pb2",
                    reason="no trainer stubs: proto/dirpg/train/v1 is absent or scripts/setup-python.sh not run")
from dirpg.errors import FailedPrecondition, InvalidArgument, NotFound, error_from_rpc
from dirpg.train.v1 import trainer_pb2 as pb
from dirpg.trainer_client import SETTINGS, TrainerClient, build_spec, spec_from_dict, spec_to_dict

DEEPSEA_START = [1.0] + [0.0] * 24  # DeepSea-v0 (N = 5): the one-hot of the top-left cell


@pytest.fixture(scope="module")
def server(java_trainer):
    return java_trainer


@pytest.fixture(scope="module")
def client(server):
    with TrainerClient(server.address) as c:
        yield c


def test_specs_round_trip_and_bad_settings_are_named():
    spec = build_spec("MiniGrid-MultiRoom-N6-v0", "a:1, b:2", algorithm="reinforce",
                      priority="astar", epsilon=-0.5, budget=200, early_stop=False, updates=3)
    d = spec_to_dict(spec)
    assert d["remote_environment"] == {"env_id": "MiniGrid-MultiRoom-N6-v0", "endpoints": ["a:1", "b:2"]}
    with pytest.raises(ValueError, match="env_options: a remote environment is configured by its server"):
        build_spec("MiniGrid-MultiRoom-N6-v0", "a:1", {"max_steps": 100})
    assert (d["algorithm"], d["priority"], d["epsilon"], d["early_stop"]) == ("REINFORCE", "ASTAR", -0.5, False)
    assert spec_from_dict(d) == spec
    # AIP-126 names on the wire (ALGORITHM_REINFORCE_RTG = 3), the short form in and out, in any spelling
    for name in ("reinforce-rtg", "REINFORCE_RTG", "ALGORITHM_REINFORCE_RTG", 3):
        assert build_spec("DeepSea-v0", algorithm=name).algorithm == pb.ALGORITHM_REINFORCE_RTG == 3
    d = spec_to_dict(build_spec("DeepSea-v0", algorithm="cem", priority="PRIORITY_GUMBEL", heuristic="discounted"))
    assert (d["algorithm"], d["priority"], d["heuristic"]) == ("CEM", "GUMBEL", "DISCOUNTED")
    with pytest.raises(ValueError, match=r"priority 'best' unknown; use one of \['gumbel', 'astar'\]"):
        build_spec("DeepSea-v0", priority="best")
    with pytest.raises(TypeError, match=r"unknown run setting\(s\) \['epsilonn'\]"):
        build_spec("DeepSea-v0", epsilonn=1.0)
    with pytest.raises(ValueError, match="algorithm 'ppo' unknown; use one of"):
        build_spec("DeepSea-v0", algorithm="ppo")
    assert "budget" in SETTINGS and "native_environment" not in SETTINGS


def test_grpc_errors_become_typed_exceptions():
    with grpc.insecure_channel("127.0.0.1:1") as channel:  # nothing listens on port 1
        from dirpg.train.v1 import trainer_pb2, trainer_pb2_grpc
        with pytest.raises(grpc.RpcError) as raw:
            trainer_pb2_grpc.TrainerServiceStub(channel).GetRun(trainer_pb2.GetRunRequest(run_id="x"), timeout=5)
    err = error_from_rpc(raw.value)
    assert err.code == grpc.StatusCode.UNAVAILABLE and isinstance(err, ConnectionError) and err.message


def test_run_life_cycle_metrics_and_errors(client):
    run = client.create_run("DeepSea-v0", algorithm="dirpg", budget=20, updates=4, seed=3)
    assert run.state in ("PENDING", "RUNNING") and run.spec["budget"] == 20 and run.spec["epsilon"] == 1.0
    metrics = list(client.watch(run.run_id))
    assert [m.update for m in metrics] == [0, 1, 2, 3]
    assert all(0 < m.search_interactions <= 20 for m in metrics)
    assert np.cumsum([m.search_interactions for m in metrics]).tolist() == [m.interactions for m in metrics]
    for m in metrics:  # a_dir maximises D(a; eps) over the candidates, a_opt among them (Algorithm 1)
        assert m.d_dir >= m.d_opt
        no_improvement = m.first_improvement is None  # absent: nothing improved on a_opt
        assert no_improvement == (m.gradient_norm == 0.0) == (m.d_dir == m.d_opt)
        assert None not in (m.dir_return, m.d_opt, m.d_dir, m.candidates, m.gradient_norm)  # DirPG measures these
    done = client.get_run(run.run_id)
    assert (done.state, done.updates_done, done.interactions) == ("SUCCEEDED", 4, metrics[-1].interactions)
    # the server fills in the defaults of ALGORITHM_/PRIORITY_/HEURISTIC_UNSPECIFIED; the client shows short names
    assert (done.spec["algorithm"], done.spec["priority"], done.spec["heuristic"]) == ("DIRPG", "GUMBEL", "VALID_BOUND")
    assert done.latest_metrics == metrics[-1]
    assert list(client.watch(run.run_id, from_update=2)) == metrics[2:]  # a lost stream resumes by index
    assert run.run_id in [r.run_id for r in client.list_runs("SUCCEEDED")]
    assert [r.run_id for r in client.list_runs("run_state_succeeded")] == [r.run_id for r in client.list_runs("SUCCEEDED")]
    assert run.run_id not in [r.run_id for r in client.list_runs("failed")]
    with pytest.raises(ValueError, match="run state 'done' unknown; use one of"):
        client.list_runs("done")
    with pytest.raises(NotFound, match="run-does-not-exist"):
        client.get_run("run-does-not-exist")
    with pytest.raises(InvalidArgument, match="^INVALID_ARGUMENT: epsilon") as err:
        client.create_run("DeepSea-v0", epsilon=0.0)
    assert err.value.message.startswith("epsilon") and isinstance(err.value, ValueError)
    with pytest.raises(NotFound):
        list(client.watch("run-does-not-exist"))


def test_act_log_probs_are_normalised_and_samples_follow_them(client):
    run = client.create_run("DeepSea-v0", budget=20, updates=3, seed=1, init_scale=1.0)
    list(client.watch(run.run_id))
    greedy = client.act(run.run_id, [DEEPSEA_START], greedy=True)
    logp = greedy.log_probs[0]
    assert math.isclose(np.logaddexp.reduce(logp), 0.0, abs_tol=1e-9) and greedy.policy_updates == 3
    assert greedy.actions[0] == int(np.argmax(logp)) and greedy.log_prob[0] == logp[greedy.actions[0]]
    n = 2000
    sampled = client.act(run.run_id, [DEEPSEA_START] * n, seed=7)
    again = client.act(run.run_id, [DEEPSEA_START] * n, seed=7)
    assert (sampled.actions == again.actions).all()  # seeded
    p_right = math.exp(logp[1])
    k = int(sampled.actions.sum())
    se = math.sqrt(n * p_right * (1 - p_right))
    assert abs(k - n * p_right) < 4 * se, (k, n * p_right, se)
    # A mask with only LEFT legal forces LEFT: log pi(RIGHT) = -inf.
    masked = client.act(run.run_id, [DEEPSEA_START], legal_actions=[[1, 0]], seed=0)
    assert masked.actions[0] == 0 and masked.log_probs[0, 1] == -math.inf and masked.log_prob[0] == 0.0


def test_legal_actions_zero_means_nothing_legal_and_none_means_all(client):
    """One meaning of legal_actions == 0 in both protocols: no action legal (a terminal StateView's mask), which Act
    rejects; an unset mask (None) is every action legal. The Run reports its environment's observation spec."""
    run = client.create_run("DeepSea-v0", budget=20, updates=1, seed=2)
    list(client.watch(run.run_id))
    for nothing in (0, [0, 0]):
        with pytest.raises(InvalidArgument, match=r"observations\[1\]\.legal_actions: 0 means no action is legal"):
            client.act(run.run_id, [DEEPSEA_START] * 2, legal_actions=[None, nothing])
    both = client.act(run.run_id, [DEEPSEA_START], legal_actions=[None], greedy=True)
    assert np.isfinite(both.log_probs).all()
    # Run.environment (field 11): DeepSea-v0's one float64 [5, 5] grid, its reward range unbounded (sigma > 0)
    env = client.get_run(run.run_id).environment
    assert env == {"env_id": "DeepSea-v0", "num_actions": 2,
                   "observation": [{"name": "cell", "shape": [5, 5], "dtype": "float64"}],
                   "provides_bound": False, "min_reward": -math.inf, "max_reward": math.inf}
    assert sum(math.prod(t["shape"]) for t in env["observation"]) == len(DEEPSEA_START)
    assert run.environment == env  # set from CreateRun on
    assert all(r.environment == env for r in client.list_runs() if r.run_id == run.run_id)


def test_checkpoint_resume_continues_the_numbering(client):
    run = client.create_run("DeepSea-v0", budget=20, updates=3, seed=5)
    list(client.watch(run.run_id))
    checkpoint = client.save_checkpoint(run.run_id)
    checkpoint_interactions = client.get_run(run.run_id).interactions
    assert checkpoint.updates_done == 3 and json.loads(checkpoint.data) and checkpoint.path
    with pytest.raises(InvalidArgument, match="updates"):
        client.resume(checkpoint)  # the checkpoint's own spec asks for 3 updates, all done
    resumed = client.resume(checkpoint, client.get_run(run.run_id).spec, updates=5)
    assert resumed.resumed_from_update == 3 and resumed.run_id != run.run_id
    assert [m.update for m in client.watch(resumed.run_id)] == [3, 4]
    from_path = client.resume(checkpoint.path, client.get_run(run.run_id).spec, updates=4)
    assert [m.update for m in client.watch(from_path.run_id)] == [3]
    # Same checkpoint, same seed: the resumed runs' first update is the same update.
    first = [next(iter(client.watch(r.run_id))) for r in (resumed, from_path)]
    assert first[0] == first[1] and first[0].interactions > checkpoint_interactions


def test_stop_and_policy_free_runs(client):
    run = client.create_run("DeepSea-v0", budget=50, updates=100000, seed=2)
    stopped = client.stop_run(run.run_id)
    assert stopped.run_id == run.run_id
    for _ in client.watch(run.run_id):
        pass  # the stream completes once the run has ended
    final = client.get_run(run.run_id)
    assert final.state == "STOPPED" and final.updates_done < 100000
    ucb = client.create_run("SpanningTreeBandit-v0", algorithm="ucb_semi", updates=2)
    for m in client.watch(ucb.run_id):  # UCB measures a reward only: the rest is absent (None), not NaN or -1
        assert (m.dir_return, m.d_opt, m.d_dir, m.candidates, m.first_improvement, m.gradient_norm) == (None,) * 6
        assert math.isfinite(m.update_return)
    with pytest.raises(FailedPrecondition):
        client.act(ucb.run_id, [[0.0] * 10])


def test_cli_runs_create_watch_list(server):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "dirpg.cli", *args, "--address", server.address],
                              capture_output=True, text=True, timeout=60)
    created = cli("runs", "create", "--env", "DeepSea-v0", "--set", "budget=10", "--set", "updates=2")
    assert created.returncode == 0, created.stderr
    run = json.loads(created.stdout)
    run_id = run["run_id"]
    assert run["state"] in ("PENDING", "RUNNING") and run["spec"]["algorithm"] == "DIRPG"  # short enum names
    # infinities as proto3 JSON writes them, never null (null is an absent value)
    assert (run["environment"]["min_reward"], run["environment"]["max_reward"]) == ("-Infinity", "Infinity")
    watched = cli("runs", "watch", run_id)
    assert [json.loads(line)["update"] for line in watched.stdout.splitlines()] == [0, 1]
    cem = json.loads(cli("runs", "create", "--env", "DeepSea-v0", "--set", "algorithm=cem", "--set", "updates=1").stdout)
    metrics = json.loads(cli("runs", "watch", cem["run_id"]).stdout)
    assert metrics["d_opt"] is None and metrics["first_improvement"] is None  # not measured: null
    assert metrics["gradient_norm"] >= 0 and metrics["candidates"] is None
    assert run_id in cli("runs", "list").stdout
    listed = [json.loads(line) for line in cli("runs", "list", "--state", "succeeded").stdout.splitlines()]
    assert run_id in [r["run_id"] for r in listed] and {r["state"] for r in listed} == {"SUCCEEDED"}
    bad = cli("runs", "create", "--env", "DeepSea-v0", "--set", "epsilon=0")
    assert bad.returncode == 1 and "INVALID_ARGUMENT: epsilon" in bad.stderr
    unknown = cli("runs", "get", "run-nope")
    assert unknown.returncode == 1 and "NOT_FOUND" in unknown.stderr


def test_list_runs_pages_through_every_run(client):
    ids = [client.create_run("DeepSea-v0", budget=10, updates=2, seed=i).run_id for i in range(5)]
    paged = [r.run_id for r in client.iter_runs(page_size=2)]
    assert [i for i in paged if i in ids] == ids, "every run, in creation order, across pages"
    assert [r.run_id for r in client.list_runs(page_size=3)] == paged
    assert all(r.owner == "" for r in client.list_runs()), "no authentication: no owner"


def test_bearer_tokens_owners_and_typed_errors(tmp_path):
    from dirpg.errors import Unauthenticated
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built")
    tokens = "alice alice-token-0123456789\nbob bob-token-0123456789ab\n"
    proc = launch.start_java_server(env={"DIRPG_TOKENS": tokens}, cwd=str(tmp_path))
    try:
        with TrainerClient(proc.address, token="alice-token-0123456789") as alice, \
                TrainerClient(proc.address, token="bob-token-0123456789ab") as bob, \
                TrainerClient(proc.address, token="") as nobody:
            run = alice.create_run("DeepSea-v0", budget=10, updates=2, seed=1)
            assert run.owner == "alice"
            with pytest.raises(Unauthenticated, match="bearer token"):
                nobody.list_runs()
            with pytest.raises(NotFound, match="no run '.*' on this server"):  # as for an unknown id
                bob.get_run(run.run_id)
            assert [r.run_id for r in bob.list_runs()] == []
            assert [m.update for m in alice.watch(run.run_id)] == [0, 1]
    finally:
        proc.stop()


def test_runs_take_the_policy_architecture_and_report_it(client):
    """RunSpec's policy, net and cnn (the CLI's --policy/--net/--cnn) reach the server: the spec comes back with them,
    Act answers from that network, and a bad shape is a one-line INVALID_ARGUMENT naming the field."""
    run = client.create_run("DeepSea-v0", policy="mlp", net="8:relu", budget=20, updates=2, seed=4)
    list(client.watch(run.run_id))
    done = client.get_run(run.run_id)
    assert done.spec["policy"] == "mlp" and done.spec["net"] == "8:relu"
    acted = client.act(run.run_id, [DEEPSEA_START], greedy=True)
    assert math.isclose(np.logaddexp.reduce(acted.log_probs[0]), 0.0, abs_tol=1e-9)
    with pytest.raises(InvalidArgument, match=r"policy: --net takes positive widths"):
        client.create_run("DeepSea-v0", net="8,zero")
    with pytest.raises(InvalidArgument, match=r"policy: .cnn. needs an image observation part"):
        client.create_run("DeepSea-v0", policy="cnn")
