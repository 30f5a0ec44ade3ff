"""pip alone makes a working dirpg: the build compiles proto/ into the gRPC stubs (setup.py), so a fresh virtualenv
with ``pip install ./python-client`` imports every module and talks to a real env server; the sdist carries the
protos (a wheel built from it gets the same stubs) and no local state; the wheel ships stubs, .pyi, .proto and
py.typed with the metadata an index shows.

One sdist + wheel (``python -m build``: the wheel is built from the unpacked sdist) and one virtualenv serve the
whole module. The pip cache keeps the installs quick after the first run."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from dirpg import launch
from conftest import KEY, MULTIROOM

PROJECT = launch.repo_root() / "python-client"
PROTOS = sorted(p.relative_to(PROJECT.parent / "proto").as_posix()
                for p in (PROJECT.parent / "proto").rglob("*.proto"))
STUB_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")
PUBLIC_MODULES = ["dirpg.policy", "dirpg.envclient", "dirpg.gym_env", "dirpg.trainer_client", "dirpg.envserver", "dirpg.cli",
                  "dirpg.errors", "dirpg.launch", "dirpg.served_env", "dirpg.env.v1.environment_pb2_grpc",
                  "dirpg.train.v1.trainer_pb2_grpc"]
# Modules of optional extras: without the extra, importing one fails with a message naming the install command.
OPTIONAL = {"dirpg.sb3": "pip install 'dirpg[sb3]'"}
LOCAL_STATE = (".venv/", "__pycache__", ".pyc", ".pytest_cache", "tests/", ".gitignore", "/build/")


def _check(command: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _stubs(proto: str) -> list[str]:
    return [proto.removesuffix(".proto") + suffix for suffix in STUB_SUFFIXES]


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> tuple[Path, Path]:
    """The sdist and the wheel built from it, by the standard frontend in isolated build environments."""
    out = tmp_path_factory.mktemp("dist")
    _check([sys.executable, "-m", "build", "--outdir", out, PROJECT])
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtualenv (no dirpg, no dependencies) into which ``pip install ./python-client`` went (not
    editable). This suite's pip installs into it (``--python``): one recent pip, whatever the venv bundles."""
    home = tmp_path_factory.mktemp("venv")
    _check([sys.executable, "-m", "venv", "--without-pip", home / "venv"])
    python = home / "venv" / "bin" / "python"
    _check([sys.executable, "-m", "pip", "--python", python, "install", "--disable-pip-version-check", "-q",
            "./python-client"], cwd=PROJECT.parent)
    return python


def test_sdist_carries_the_protos_and_no_generated_or_local_files(dists):
    sdist, _ = dists
    with tarfile.open(sdist) as tar:
        names = [n.split("/", 1)[1] for n in tar.getnames() if "/" in n]
    for proto in PROTOS:
        assert f"proto/{proto}" in names  # a build from the unpacked sdist compiles these
    for required in ("setup.py", "pyproject.toml", "README.md", "LICENSE", "src/dirpg/py.typed",
                     "src/dirpg/envclient.py", "src/dirpg/envserver/__main__.py"):
        assert required in names, required
    # Stubs are generated when a wheel is built, never shipped as source, so they always match the protos.
    assert not [n for n in names if n.endswith(STUB_SUFFIXES)]
    assert not [n for n in names if any(bad in f"/{n}" for bad in LOCAL_STATE)]


def test_wheel_ships_stubs_pyi_protos_py_typed_and_index_metadata(dists):
    _, wheel = dists
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(whl.read(f"{info}/METADATA").decode())
        entry_points = whl.read(f"{info}/entry_points.txt").decode()
    for proto in PROTOS:
        assert proto in names  # the contract ships beside its stubs
        for stub in _stubs(proto):
            assert stub in names, stub
        package = proto.rsplit("/", 1)[0]
        assert f"{package}/__init__.py" in names
    assert "dirpg/py.typed" in names and f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if any(bad in f"/{n}" for bad in LOCAL_STATE)]
    assert metadata["Name"] == "dirpg" and metadata["License-Expression"] == "Apache-2.0"
    assert metadata["License-File"] == "LICENSE"
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().startswith("# dirpg (Python side)")
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and "Programming Language :: Python :: 3.11" in classifiers
    assert "grpcio<2,>=1.85.1" in metadata.get_all("Requires-Dist")
    assert "dirpg-py = dirpg.cli:main" in entry_points


def test_pip_installed_package_imports_every_module_and_steps_a_real_env_server(venv, tmp_path):
    # Run from an empty folder, so only the installed copy (not python-client/src) can be imported.
    probe = textwrap.dedent(f"""
        import importlib, json, pathlib, pkgutil, sys
        import dirpg
        names = {PUBLIC_MODULES!r} + [m.name for m in pkgutil.walk_packages(dirpg.__path__, "dirpg.")]
        for name in names:
            if name in {OPTIONAL!r}:  # a module of an optional extra: imported, or refused naming the extra
                try:
                    importlib.import_module(name)
                except ImportError as e:
                    assert {OPTIONAL!r}[name] in str(e), (name, str(e))
                continue
            importlib.import_module(name)
        root = pathlib.Path(dirpg.__file__).parent
        print(json.dumps({{"file": dirpg.__file__, "imported": len(set(names)),
                          "typed": (root / "py.typed").is_file(),
                          "pyi": sorted(p.relative_to(root).as_posix() for p in root.rglob("*.pyi")),
                          "protos": sorted(p.relative_to(root).as_posix() for p in root.rglob("*.proto"))}}))
        """)
    found = json.loads(_check([venv, "-c", probe], cwd=tmp_path).stdout)
    assert found["file"].startswith(str(venv.parent.parent)) and "site-packages" in found["file"]
    assert found["typed"]
    assert found["pyi"] == [p.removeprefix("dirpg/").removesuffix(".proto") + "_pb2.pyi" for p in PROTOS]
    assert found["protos"] == [p.removeprefix("dirpg/") for p in PROTOS]

    server = launch.start([str(venv), "-m", "dirpg.envserver", "--env", MULTIROOM, "--host", "127.0.0.1",
                           "--port", "0"], launch.ENVSERVER_READY, {"DIRPG_TOKEN_KEY": KEY.decode()}, cwd=str(tmp_path))
    try:
        client = textwrap.dedent(f"""
            import json
            from dirpg.envclient import RemoteEnv
            with RemoteEnv("{server.address}", "{MULTIROOM}") as env:
                state = env.reset(seed=3)
                step = env.step(state.token, 2)
                again = env.step(state.token, 2)  # a pure function of (token, action)
                print(json.dumps({{"shapes": {{k: list(v.shape) for k, v in state.observation.items()}},
                                  "legal": state.legal(), "token": len(step.next.token),
                                  "same": again.next.token == step.next.token, "reward": step.reward}}))
            """)
        result = json.loads(_check([venv, "-c", client], cwd=tmp_path).stdout)
        assert result["shapes"] == {"image": [7, 7, 3], "direction": []}
        assert result["legal"] == list(range(7)) and result["token"] > 0 and result["same"]
        assert result["reward"] == 0.0  # one step forward in MultiRoom earns nothing
        listed = _check([venv.parent / "dirpg-py", "envs", server.address], cwd=tmp_path).stdout
        assert json.loads(listed)["env_id"] == MULTIROOM  # the console script is installed and works
    finally:
        assert server.stop() == 0


def test_runtime_requirements_are_ranges_and_ci_pins_each_inside_its_range():
    """Runtime requirements take ranges (an SB3/torch environment is not downgraded); constraints.txt, which the test
    command installs with, pins every one of them, and every extra's, to a version inside its range."""
    import tomllib
    from packaging.requirements import Requirement

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    pins = {}
    for line in (PROJECT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    runtime = [Requirement(r) for r in project["dependencies"]]
    extras = [Requirement(r) for name in ("families", "sb3") for r in project["optional-dependencies"][name]]
    for req in runtime + extras:
        ops = {s.operator for s in req.specifier}
        assert ops == {">=", "<"}, f"{req}: give a range (>= tested, < next major), not {ops}"
    for req in runtime + [r for r in extras if r.name.lower() in pins]:
        assert req.name.lower() in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[req.name.lower()]), f"constraints.txt pins {req.name} outside {req}"
