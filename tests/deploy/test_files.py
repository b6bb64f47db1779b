"""What the deploy files promise, checked in the files themselves: the pins agree with
pyproject.toml, and the compose file and the rendered Kubernetes manifests keep the hardening,
limits, probes and drain timing that docs/deploy.md describes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from pydantic_settings import BaseSettings
from sage_mcp.settings import McpSettings
from sage_sidecar.auth import bearer_token, check_exposure
from sage_sidecar.settings import SidecarSettings

from tests.deploy.images import COMPOSE, DEPLOY, ROOT, compose_environment, read_dockerfile

REQUIREMENTS = DEPLOY / "requirements"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCK_HINT = "run `.venv/bin/python deploy/requirements/lock.py` and commit the result"


def pins(lock: Path) -> dict[str, Version]:
    found: dict[str, Version] = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", line)
        if match:
            found[canonicalize_name(match[1])] = Version(match[2])
    return found


def unmet(requirements: list[str], lock: Path) -> list[str]:
    pinned = pins(lock)
    problems = []
    for text in requirements:
        requirement = Requirement(text)
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{text} (locked: {version})")
    return problems


def test_sidecar_lock_pins_every_dependency_of_pyproject() -> None:
    missing = unmet(PYPROJECT["project"]["dependencies"], REQUIREMENTS / "sage.txt")
    assert not missing, f"deploy/requirements/sage.txt is stale: {missing}; {LOCK_HINT}"


def test_app_lock_pins_every_dependency_but_sage() -> None:
    dependencies = PYPROJECT["project"]["dependencies"]
    lock = REQUIREMENTS / "app.txt"
    missing = unmet([d for d in dependencies if not d.startswith("passagemath")], lock)
    assert not missing, f"deploy/requirements/app.txt is stale: {missing}; {LOCK_HINT}"
    assert not [name for name in pins(lock) if name.startswith("passagemath")]


def test_build_lock_pins_the_build_backend() -> None:
    missing = unmet(PYPROJECT["build-system"]["requires"], REQUIREMENTS / "build.txt")
    assert not missing, f"deploy/requirements/build.txt is stale: {missing}; {LOCK_HINT}"


def test_every_pin_carries_hashes() -> None:
    for lock in REQUIREMENTS.glob("*.txt"):
        text = lock.read_text()
        assert text.count("==") <= text.count("--hash=sha256:"), lock.name


# ---- compose ----

SERVICES: dict[str, dict[str, Any]] = yaml.safe_load(COMPOSE.read_text())["services"]
NETWORKS: dict[str, dict[str, Any]] = yaml.safe_load(COMPOSE.read_text())["networks"]


def _seconds(duration: str | int | float) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)?", str(duration))
    assert match, duration
    return float(match[1]) * {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[match[2]]


def drain_seconds(env: dict[str, str]) -> float:
    """Longest a sidecar takes to stop after SIGTERM: the shutdown grace, the interrupt
    grace, and the gRPC server's final second."""
    return (
        float(env["SAGE_SIDECAR_SHUTDOWN_GRACE_SECONDS"])
        + float(env["SAGE_SIDECAR_INTERRUPT_GRACE_SECONDS"])
        + 1.0
    )


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_compose_service_is_hardened_and_limited(name: str) -> None:
    service = SERVICES[name]
    assert service["read_only"] is True
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    assert service["user"] == "10001:10001"
    assert any(str(t).startswith("/tmp:") for t in service["tmpfs"])
    limits = service["deploy"]["resources"]["limits"]
    assert {"cpus", "memory", "pids"} <= set(limits), limits


def test_compose_sidecar_is_reachable_only_on_the_internal_network() -> None:
    sidecar = SERVICES["sage-sidecar"]
    assert "ports" not in sidecar
    assert all(NETWORKS[n].get("internal") is True for n in sidecar["networks"])
    assert "sage-internal" in SERVICES["sage-mcp"]["networks"]


def test_compose_starts_mcp_after_a_healthy_sidecar() -> None:
    needs = SERVICES["sage-mcp"]["depends_on"]["sage-sidecar"]
    assert needs["condition"] == "service_healthy"
    assert SERVICES["sage-sidecar"]["healthcheck"]["test"][0] == "CMD"


def test_compose_state_volume_is_where_the_sidecar_keeps_state() -> None:
    sidecar = SERVICES["sage-sidecar"]
    state_dir = sidecar["environment"]["SAGE_SIDECAR_STATE_DIR"]
    assert f"sage-state:{state_dir}" in sidecar["volumes"]
    image = read_dockerfile(DEPLOY / "sidecar.Dockerfile")
    assert image.env["SAGE_SIDECAR_STATE_DIR"] == state_dir
    assert f'VOLUME ["{state_dir}"]' in (DEPLOY / "sidecar.Dockerfile").read_text()


def test_compose_gives_the_workers_scratch_a_tmpfs_of_its_own_outside_tmp() -> None:
    # Under Landlock, nothing is created directly in the directories on the way to it.
    sidecar = SERVICES["sage-sidecar"]
    scratch = sidecar["environment"]["SAGE_SIDECAR_WORKER_SCRATCH_DIR"]
    assert not Path(scratch).is_relative_to("/tmp")
    assert any(str(t).startswith(f"{scratch}:") for t in sidecar["tmpfs"])


def test_compose_stop_grace_covers_the_sidecar_drain() -> None:
    sidecar = SERVICES["sage-sidecar"]
    env = {k: str(v) for k, v in sidecar["environment"].items()}
    assert _seconds(sidecar["stop_grace_period"]) > drain_seconds(env)


def test_compose_refuses_to_start_without_a_token() -> None:
    with pytest.raises(KeyError, match="SAGE_SIDECAR_TOKEN"):
        compose_environment("sage-sidecar", {})


def test_compose_wires_otlp_to_jaeger() -> None:
    jaeger = SERVICES["jaeger"]
    assert jaeger["image"].startswith("jaegertracing/jaeger:2.")
    for name in ("sage-sidecar", "sage-mcp"):
        env = SERVICES[name]["environment"]
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4317"
        assert env["OTEL_SERVICE_NAME"] == name
        assert set(SERVICES[name]["networks"]) & set(jaeger["networks"])


# ---- Kubernetes ----


def render(path: str) -> list[dict[str, Any]]:
    kubectl = Path(sys.executable).parent / "kubectl"
    output = subprocess.run(
        [str(kubectl), "kustomize", str(DEPLOY / "k8s" / path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(output) if doc]


@pytest.fixture(scope="module", params=["base", "overlays/example"])
def manifests(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return render(str(request.param))


def pod_spec(manifests: list[dict[str, Any]]) -> dict[str, Any]:
    [deployment] = [m for m in manifests if m["kind"] == "Deployment"]
    spec: dict[str, Any] = deployment["spec"]["template"]["spec"]
    return spec


def containers(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container.get("env", [])}


def test_k8s_runs_the_sidecar_as_a_native_sidecar_with_grpc_probes(
    manifests: list[dict[str, Any]],
) -> None:
    spec = pod_spec(manifests)
    [sidecar] = spec["initContainers"]
    assert sidecar["restartPolicy"] == "Always"
    port = int(env_of(sidecar)["SAGE_SIDECAR_LISTEN"].rsplit(":", 1)[1])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert sidecar[probe]["grpc"]["port"] == port, probe
    assert sidecar["readinessProbe"]["grpc"]["service"] == "sage.v1.SageService"
    [mcp] = spec["containers"]
    assert env_of(mcp)["SAGE_MCP_SIDECAR"] == f"127.0.0.1:{port}"


def test_k8s_containers_are_hardened_and_limited(manifests: list[dict[str, Any]]) -> None:
    spec = pod_spec(manifests)
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    for container in containers(spec):
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, container["name"]
        assert context["readOnlyRootFilesystem"] is True, container["name"]
        assert context["capabilities"]["drop"] == ["ALL"], container["name"]
        assert context["seccompProfile"]["type"] == "RuntimeDefault", container["name"]
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) & set(resources["limits"])
        assert "/tmp" in {m["mountPath"] for m in container["volumeMounts"]}, container["name"]


def test_k8s_grace_period_covers_the_drain(manifests: list[dict[str, Any]]) -> None:
    spec = pod_spec(manifests)
    [sidecar] = spec["initContainers"]
    # The MCP server stops first (a few seconds), then the sidecar drains.
    assert spec["terminationGracePeriodSeconds"] >= drain_seconds(env_of(sidecar)) + 10


def test_k8s_state_volume_holds_the_state_dir(manifests: list[dict[str, Any]]) -> None:
    spec = pod_spec(manifests)
    [sidecar] = spec["initContainers"]
    names = [e["name"] for e in sidecar["env"]]
    env = env_of(sidecar)
    # Kubernetes expands $(VAR) only from variables defined earlier in the list.
    for position, name in enumerate(names):
        for used in re.findall(r"\$\((\w+)\)", env[name]):
            assert used in names[:position], f"{name} uses {used} before it is defined"
    [mount] = [m for m in sidecar["volumeMounts"] if m["name"] == "sage-state"]
    assert env["SAGE_SIDECAR_STATE_DIR"].startswith(mount["mountPath"])
    [volume] = [v for v in spec["volumes"] if v["name"] == "sage-state"]
    claims = {m["metadata"]["name"] for m in manifests if m["kind"] == "PersistentVolumeClaim"}
    assert volume["persistentVolumeClaim"]["claimName"] in claims


def test_k8s_gives_the_workers_scratch_a_memory_volume_outside_tmp(
    manifests: list[dict[str, Any]],
) -> None:
    spec = pod_spec(manifests)
    [sidecar] = spec["initContainers"]
    scratch = env_of(sidecar)["SAGE_SIDECAR_WORKER_SCRATCH_DIR"]
    assert not Path(scratch).is_relative_to("/tmp")
    [mount] = [m for m in sidecar["volumeMounts"] if m["mountPath"] == scratch]
    [volume] = [v for v in spec["volumes"] if v["name"] == mount["name"]]
    assert volume["emptyDir"]["medium"] == "Memory"


def test_k8s_admits_only_the_mcp_port(manifests: list[dict[str, Any]]) -> None:
    [policy] = [m for m in manifests if m["kind"] == "NetworkPolicy"]
    assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    ports = {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]}
    assert ports == {8000}
    assert any(m["kind"] == "PodDisruptionBudget" for m in manifests)


# ---- the environment each place sets, read by the services' own settings ----

SIDECAR_IMAGE_ENV = read_dockerfile(DEPLOY / "sidecar.Dockerfile").env
MCP_IMAGE_ENV = read_dockerfile(DEPLOY / "mcp.Dockerfile").env


S = TypeVar("S", bound=BaseSettings)


def load_settings(
    cls: type[S], prefix: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> S:
    """`cls` as the service builds it from `env`; fails on a variable it would ignore."""
    fields = {prefix + name.upper() for name in cls.model_fields}
    unknown = sorted(k for k in env if k.startswith(prefix) and k not in fields)
    assert not unknown, f"not settings of {cls.__name__} (ignored silently): {unknown}"
    for key in os.environ:
        if key.startswith(prefix):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return cls()


# What an operator puts in deploy/.env.
COMPOSE_VARIABLES = {"SAGE_SIDECAR_TOKEN": "0123456789abcdef"}


def sidecar_envs() -> Iterator[tuple[str, dict[str, str]]]:
    yield "compose", {**SIDECAR_IMAGE_ENV, **compose_environment("sage-sidecar", COMPOSE_VARIABLES)}
    for path in ("base", "overlays/example"):
        [sidecar] = pod_spec(render(path))["initContainers"]
        env = {k: v.replace("$(POD_NAME)", "pod-0") for k, v in env_of(sidecar).items()}
        yield path, {**SIDECAR_IMAGE_ENV, **env}


def mcp_envs() -> Iterator[tuple[str, dict[str, str]]]:
    yield "compose", {**MCP_IMAGE_ENV, **compose_environment("sage-mcp", COMPOSE_VARIABLES)}
    for path in ("base", "overlays/example"):
        [mcp] = pod_spec(render(path))["containers"]
        yield path, {**MCP_IMAGE_ENV, **env_of(mcp)}


def test_sidecar_accepts_the_configuration_each_place_sets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for where, env in sidecar_envs():
        settings = load_settings(SidecarSettings, "SAGE_SIDECAR_", env, monkeypatch)
        # A token is required everywhere, not just network isolation.
        assert not settings.allow_unauthenticated_remote, where
        token = "from the file" if settings.auth_token_file else bearer_token(settings)
        assert token, where
        check_exposure(settings, token)
        assert str(settings.state_dir).startswith("/var/lib/sage-sidecar"), where


def test_mcp_server_sends_the_token_the_sidecar_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    for (where, sidecar_env), (_, mcp_env) in zip(sidecar_envs(), mcp_envs(), strict=True):
        sidecar = load_settings(SidecarSettings, "SAGE_SIDECAR_", sidecar_env, monkeypatch)
        mcp = load_settings(McpSettings, "SAGE_MCP_", mcp_env, monkeypatch)
        assert (sidecar.auth_token_file, sidecar.auth_token) == (
            mcp.sidecar_token_file,
            mcp.sidecar_token,
        ), where


def test_mcp_server_accepts_the_configuration_each_place_sets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for where, env in mcp_envs():
        settings = load_settings(McpSettings, "SAGE_MCP_", env, monkeypatch)
        assert settings.transport == "streamable-http", where
        assert settings.port == 8000, where


def test_image_defaults_refuse_unauthenticated_remote_listening(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The image listens on all interfaces, but without a token, mTLS or an explicit opt-in
    # (as compose and the manifests give, behind their network isolation) it will not serve.
    settings = load_settings(SidecarSettings, "SAGE_SIDECAR_", SIDECAR_IMAGE_ENV, monkeypatch)
    with pytest.raises(ValueError, match="refusing to listen"):
        check_exposure(settings, bearer_token(settings))
