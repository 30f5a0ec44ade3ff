"""Build step that compiles proto/ into the gRPC stubs, so ``pip install`` alone yields a working package.

Metadata lives in pyproject.toml; this file only adds what a static config cannot say:

- ``build_py`` runs ``grpc_tools.protoc`` (a build requirement pinned with the runtime) over every ``.proto``
  file, with ``--python_out``, ``--grpc_python_out`` and ``--pyi_out``, and ships each ``.proto`` beside its
  stubs. Proto package ``dirpg.env.v1`` becomes Python package ``dirpg.env.v1``, so the generated absolute
  imports resolve inside the installed package. The stubs are generated at every build and never committed, so
  they cannot drift from the protos. A normal build writes them into the build directory; an editable install
  (PEP 660) writes them into ``src/`` (git-ignored), where the editable path points.
- ``sdist`` copies the protos into the archive's ``proto/``: in a checkout they live in the repository's
  ``../proto``, outside this project, where a build from the unpacked sdist could not reach them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
# Marks a generated package folder in src/: only such folders (or absent ones) may be replaced.
MARKER = ".gitignore"
MARKER_TEXT = "# Generated from proto/ at build time (setup.py): never edit, never commit.\n*\n"


def proto_root() -> Path:
    """``proto/`` beside this file (an unpacked sdist), else the repository's ``../proto`` (a checkout)."""
    for candidate in (HERE / "proto", HERE.parent / "proto"):
        if (candidate / "dirpg").is_dir():
            return candidate
    raise FileNotFoundError(f"no proto/dirpg/ beside {HERE} or in {HERE.parent}: the gRPC stubs cannot be built")


def generated_packages(root: Path) -> list[str]:
    """The top-level proto packages under dirpg/ (e.g. env, train): the build owns src/dirpg/<name>/."""
    return sorted(p.name for p in (root / "dirpg").iterdir() if p.is_dir())


def generate(out: Path, mark: bool) -> None:
    """Compiles every proto into ``out`` (a folder holding dirpg/), first wiping earlier output (so stubs of a
    removed proto go too); ``mark`` writes the git-ignoring marker into each generated folder (source tree)."""
    root = proto_root()
    names = generated_packages(root)
    for name in names:
        own = SRC / "dirpg" / name
        if own.exists() and not (own / MARKER).is_file():
            raise RuntimeError(f"{own} exists but was not generated (no {MARKER}); proto package dirpg.{name} "
                               f"would replace hand-written code: rename one of them")
        shutil.rmtree(out / "dirpg" / name, ignore_errors=True)
    protos = sorted(p.relative_to(root).as_posix() for p in (root / "dirpg").rglob("*.proto"))
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{root}", f"--python_out={out}",
                    f"--grpc_python_out={out}", f"--pyi_out={out}", *protos], check=True)
    for proto in protos:  # ship the contract with its stubs
        shutil.copyfile(root / proto, out / proto)
    for name in names:
        folder = out / "dirpg" / name
        for sub in (folder, *(d for d in folder.rglob("*") if d.is_dir())):
            (sub / "__init__.py").touch()  # regular packages, so setuptools and type checkers see them
        if mark:
            (folder / MARKER).write_text(MARKER_TEXT)
    print(f"generated gRPC stubs of {len(protos)} proto file(s) from {root} into {out / 'dirpg'}", flush=True)


class BuildPyWithStubs(build_py):
    """build_py that also generates the stubs: into src/ for an editable install, else into build_lib."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            generate(SRC, mark=True)
        else:
            generate(Path(self.build_lib), mark=False)


class SdistWithProtos(sdist):
    """sdist that carries the protos in proto/, where proto_root() looks first."""

    def make_release_tree(self, base_dir, files) -> None:
        super().make_release_tree(base_dir, files)
        root = proto_root()
        for proto in sorted((root / "dirpg").rglob("*.proto")):
            target = Path(base_dir, "proto", proto.relative_to(root))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(proto, target)


setup(
    package_dir={"": "src"},
    # The generated packages are left out here: the build writes them fresh, so stale copies in src/ (from an
    # editable install) never reach a wheel or an sdist.
    packages=find_packages("src", exclude=[p for name in generated_packages(proto_root())
                                           for p in (f"dirpg.{name}", f"dirpg.{name}.*")]),
    package_data={"dirpg": ["py.typed"]},
    cmdclass={"build_py": BuildPyWithStubs, "sdist": SdistWithProtos},
)
