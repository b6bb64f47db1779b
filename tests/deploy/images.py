"""What the deploy files say an image runs, turned into a local process.

Reads the final stage of a Dockerfile (ENV, ENTRYPOINT, CMD) and a service of
deploy/compose.yaml (environment, tmpfs, healthcheck), so the tests run what the files say.
Only what must differ on this machine is overridden: ports, the state volume's path, and where
the image's venv lives. As root, the process also gets what the container gets: a read-only
root filesystem with a tmpfs at /tmp, in a private mount namespace.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import yaml

from tests.helpers import exit_status, still_alive_after

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
# Where the images put their venv and the health probe.
IMAGE_VENV_BIN = "/opt/sage-runtime/bin"
IMAGE_PROBE = f"{IMAGE_VENV_BIN}/grpc_health_probe.py"
# The PATH of the python:*-slim base images, which the Dockerfiles extend with ${PATH}.
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# `SAGE_DEPLOY_TEST_VENV_SAGE_SIDECAR=/path/to/venv` (and `..._SAGE_MCP`) runs that service
# from another venv, for example one built from deploy/requirements/*.txt as its image is,
# instead of the venv running the tests.
VENV_OVERRIDE = "SAGE_DEPLOY_TEST_VENV_"


@dataclass(frozen=True)
class ImageConfig:
    env: dict[str, str]
    entrypoint: list[str]
    cmd: list[str]
    workdir: str

    @property
    def command(self) -> list[str]:
        return [*self.entrypoint, *self.cmd]


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in dockerfile.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    pairs = []
    for line in logical:
        instruction, _, rest = line.partition(" ")
        pairs.append((instruction.upper(), rest.strip()))
    return pairs


def _expand(value: str, env: Mapping[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m[1] or m[2], ""), value)


def read_dockerfile(dockerfile: Path) -> ImageConfig:
    """The ENV, ENTRYPOINT, CMD and WORKDIR of the Dockerfile's last stage (its image)."""
    env: dict[str, str] = {"PATH": BASE_PATH}
    entrypoint: list[str] = []
    cmd: list[str] = []
    workdir = "/"
    for instruction, rest in _instructions(dockerfile):
        if instruction == "FROM":
            env, entrypoint, cmd, workdir = {"PATH": BASE_PATH}, [], [], "/"
        elif instruction == "WORKDIR":
            workdir = _expand(rest, env)
        elif instruction == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = _expand(value, env)
        elif instruction == "ENTRYPOINT":
            entrypoint = json.loads(rest)
        elif instruction == "CMD":
            cmd = json.loads(rest)
    return ImageConfig(env, entrypoint, cmd, workdir)


def compose_service(name: str) -> dict[str, Any]:
    services: dict[str, dict[str, Any]] = yaml.safe_load(COMPOSE.read_text())["services"]
    return services[name]


_VARIABLE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`, from `variables`."""

    def replace(match: re.Match[str]) -> str:
        name, operator, argument = match[1], match[2], match[3]
        if variables.get(name):
            return variables[name]
        if operator == "?":
            raise KeyError(f"compose needs {name}: {argument}")
        return argument if operator == "-" else ""

    return _VARIABLE.sub(replace, value)


def compose_environment(name: str, variables: Mapping[str, str]) -> dict[str, str]:
    """The service's `environment`, interpolated as compose does with `variables` (.env)."""
    environment = compose_service(name).get("environment", {})
    assert isinstance(environment, dict), "compose environment must be a mapping"
    return {str(k): interpolate(str(v), variables) for k, v in environment.items()}


def local_venv_bin(service: str) -> Path:
    override = os.environ.get(VENV_OVERRIDE + service.upper().replace("-", "_"))
    return Path(override) / "bin" if override else Path(sys.executable).parent


def local_probe_command(service: str, addresses: Mapping[str, str]) -> list[str]:
    """The service's compose healthcheck (`CMD` form), pointed at this machine's venv and
    addresses."""
    compose_test = compose_service(service)["healthcheck"]["test"]
    assert compose_test[0] == "CMD", compose_test
    command = []
    for arg in compose_test[1:]:
        if arg == "python":
            arg = str(local_venv_bin(service) / "python")
        elif arg == IMAGE_PROBE:
            arg = str(DEPLOY / "grpc_health_probe.py")
        for image_address, local_address in addresses.items():
            arg = arg.replace(image_address, local_address)
        command.append(arg)
    return command


def can_isolate_root() -> bool:
    """Whether this user may make private mount and PID namespaces (needs root)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run([*_UNSHARE, "true"], capture_output=True)
    return probe.returncode == 0


# --kill-child: if unshare dies, so does the namespace's PID 1, and with it the namespace.
_UNSHARE = [
    *("unshare", "--mount", "--propagation", "private"),
    *("--pid", "--fork", "--kill-child", "--mount-proc"),
]


# Run in private mount and PID namespaces: the entrypoint is PID 1, the volume stays writable,
# /tmp becomes a fresh tmpfs, and the rest of the filesystem is read-only, as in a container
# with `read_only: true`.
_READ_ONLY_ROOT = """
set -e
for volume in $VOLUMES; do mount --bind "$volume" "$volume"; done
mount -t tmpfs -o "$TMPFS_OPTIONS" tmpfs /tmp
mount -o remount,bind,ro /
cd "$WORKDIR"
exec "$@"
"""


@dataclass
class ServiceProcess:
    """One image's entrypoint, running here; stopped with SIGTERM as a container is."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    read_only_root: bool
    descendants: set[int] = field(default_factory=set)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def remember_descendants(self) -> None:
        with contextlib.suppress(psutil.NoSuchProcess):
            children = psutil.Process(self.process.pid).children(recursive=True)
            self.descendants |= {c.pid for c in children}

    @property
    def pid1(self) -> int:
        """The entrypoint's pid (PID 1 of its namespace when isolated), as seen from here."""
        if not self.read_only_root:
            return self.process.pid
        try:
            # `unshare --fork` runs it as its only child.
            return psutil.Process(self.process.pid).children()[0].pid
        except (psutil.NoSuchProcess, IndexError):
            return self.process.pid

    def wait_until(self, ready: Callable[[], bool], what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} before {what}:\n"
                    f"{self.log()}"
                )
            if ready():
                self.remember_descendants()
                return
            time.sleep(0.2)
        raise TimeoutError(f"{self.name}: no {what} within {timeout} s:\n{self.log()}")

    def stop(self, timeout: float) -> int:
        """SIGTERM to PID 1 (the entrypoint), once; the exit status."""
        self.remember_descendants()
        if self.process.poll() is None:
            os.kill(self.pid1, signal.SIGTERM)
        return exit_status(self.process, timeout)

    def leftovers(self, timeout: float = 10.0) -> list[int]:
        return still_alive_after(self.descendants, timeout)

    def kill_all(self) -> None:
        self.remember_descendants()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid in self.descendants:
            with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError):
                psutil.Process(pid).kill()


def _tmpfs_options(service: Mapping[str, Any]) -> str:
    """The mount options of the service's /tmp tmpfs in compose.yaml."""
    for entry in service.get("tmpfs", []):
        path, _, options = str(entry).partition(":")
        if path == "/tmp":
            return options or "mode=1777"
    raise AssertionError("the service has no tmpfs at /tmp")


def start_service(
    name: str,
    image: ImageConfig,
    overrides: Mapping[str, str],
    *,
    variables: Mapping[str, str],
    volumes: Sequence[Path] = (),
    read_only_root: bool,
    scratch: Path,
) -> ServiceProcess:
    """Starts `image`'s entrypoint with the image's ENV, then compose's (interpolated with
    `variables`, as compose does with deploy/.env), then `overrides`.

    With `read_only_root`, runs it as the container would run: `volumes` writable, a tmpfs
    at /tmp, everything else read-only. Without, paths under /tmp move into `scratch`.
    """
    env = {**image.env, **compose_environment(name, variables), **overrides}
    env["PATH"] = env["PATH"].replace(IMAGE_VENV_BIN, str(local_venv_bin(name)))
    command = list(image.command)
    workdir = image.workdir
    if read_only_root:
        env["VOLUMES"] = " ".join(str(v) for v in volumes)
        env["TMPFS_OPTIONS"] = _tmpfs_options(compose_service(name))
        env["WORKDIR"] = workdir
        command = [*_UNSHARE, "sh", "-c", _READ_ONLY_ROOT, name, *command]
        workdir = "/"
    else:

        def local(path: str) -> str:
            under_tmp = path == "/tmp" or path.startswith("/tmp/")
            return str(scratch) + path[len("/tmp") :] if under_tmp else path

        env = {key: local(value) for key, value in env.items()}
        workdir = local(workdir)
        Path(workdir).mkdir(parents=True, exist_ok=True)
    log_path = Path(tempfile.mkstemp(prefix=f"{name}-", suffix=".log")[1])
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=workdir
        )
    return ServiceProcess(name, process, log_path, read_only_root)


def healthy(command: Sequence[str]) -> bool:
    return subprocess.run(command, capture_output=True, timeout=30).returncode == 0


@contextlib.contextmanager
def temporary_volume() -> Iterator[Path]:
    """A directory for a named volume, outside /tmp (which the read-only mode replaces)."""
    base = Path("/var/tmp") if os.access("/var/tmp", os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="sage-state-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
