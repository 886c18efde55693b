"""deploy/kubernetes/: every manifest is valid against the Kubernetes API schema, and the parts
that must agree with each other and with cisscan's interface do.

The schema is the one Debian packages as python3-kubernetes: its models are generated from the
Kubernetes OpenAPI specification (client 22.6, the 1.22 API: batch/v1 CronJob and Indexed Jobs are
in it). We walk each document against those models: an unknown field, a wrong type or a missing
required field fails, as `kubectl apply --validate=strict` would.
"""
import glob
import os
import re
import subprocess

import kubernetes.client as k8s
import pytest
import yaml

from conftest import SOURCE, cisscan

DEPLOY = os.path.join(SOURCE, "deploy", "kubernetes")
MODELS = {
    ("batch/v1", "CronJob"): "V1CronJob",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
}
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def schema_errors(value, type_name, path):
    """Where `value` does not fit the OpenAPI type `type_name` (a python3-kubernetes model)."""
    if value is None:
        return []
    if type_name.startswith("list["):
        if not isinstance(value, list):
            return [f"{path}: a list expected"]
        return [e for i, item in enumerate(value)
                for e in schema_errors(item, type_name[5:-1], f"{path}[{i}]")]
    if type_name.startswith("dict("):
        if not isinstance(value, dict):
            return [f"{path}: a map expected"]
        inner = type_name[type_name.index(",") + 2:-1]
        return [e for key, item in value.items()
                for e in schema_errors(item, inner, f"{path}.{key}")]
    primitives = {"str": str, "int": int, "bool": bool, "float": (int, float), "datetime": str}
    if type_name in primitives:
        ok = isinstance(value, primitives[type_name])
        if type_name == "int" and isinstance(value, bool):
            ok = False
        return [] if ok else [f"{path}: {type_name} expected, got {value!r}"]
    if type_name == "object":  # int-or-string and free-form fields
        return []
    model = getattr(k8s, type_name)
    if not isinstance(value, dict):
        return [f"{path}: a {type_name} object expected"]
    fields = {json_name: attr for attr, json_name in model.attribute_map.items()}
    errors = []
    for key, item in value.items():
        if key not in fields:
            errors.append(f"{path}.{key}: not a field of {type_name}")
        else:
            errors += schema_errors(item, model.openapi_types[fields[key]], f"{path}.{key}")
    return errors


def missing_required(document, type_name):
    """The client's own constructors refuse a missing required field (and some bad enums)."""
    try:
        k8s.ApiClient()._ApiClient__deserialize(document, type_name)
    except ValueError as error:
        return [str(error)]
    return []


def manifests():
    docs = []
    for path in sorted(glob.glob(os.path.join(DEPLOY, "*.yaml"))):
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                if doc is not None:
                    docs.append((os.path.basename(path), doc))
    return docs


def test_there_are_manifests_of_every_kind_we_ship():
    kinds = {(doc["apiVersion"], doc["kind"]) for _, doc in manifests()}
    assert kinds == set(MODELS)


@pytest.mark.parametrize("name,doc", manifests(),
                         ids=lambda v: v if isinstance(v, str) else v.get("kind"))
def test_manifest_is_valid_against_the_api_schema(name, doc):
    type_name = MODELS[(doc["apiVersion"], doc["kind"])]
    errors = schema_errors(doc, type_name, f"{name}:{doc['kind']}")
    errors += missing_required(doc, type_name)
    assert errors == []
    assert DNS_LABEL.match(doc["metadata"]["name"])


def test_the_validator_refuses_what_the_api_server_would():
    """The walk above is not a rubber stamp: broken copies of the CronJob fail it."""
    cronjob = next(doc for _, doc in manifests() if doc["kind"] == "CronJob")
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    broken = [
        ("unknown field", lambda d: d["spec"].update(shedule="* * * * *")),
        ("wrong type", lambda d: d["spec"]["jobTemplate"]["spec"].update(completions="4")),
        ("missing image name", lambda d: d["spec"]["jobTemplate"]["spec"]["template"]["spec"]
         ["containers"][0].pop("name")),
        ("missing schedule", lambda d: d["spec"].pop("schedule")),
        ("list as map", lambda d: d["spec"]["jobTemplate"]["spec"]["template"]["spec"].update(
            volumes={"name": "x"})),
    ]
    assert pod["containers"]
    for what, damage in broken:
        copy = yaml.safe_load(yaml.safe_dump(cronjob))
        damage(copy)
        errors = schema_errors(copy, "V1CronJob", "cronjob") + missing_required(copy, "V1CronJob")
        assert errors, what


def cronjob_parts():
    cronjob = next(doc for _, doc in manifests() if doc["kind"] == "CronJob")
    job = cronjob["spec"]["jobTemplate"]["spec"]
    pod = job["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e for e in container["env"]}
    return cronjob, job, pod, container, env


def test_the_indexed_job_and_the_shard_count_agree():
    cronjob, job, pod, container, env = cronjob_parts()
    assert len(cronjob["spec"]["schedule"].split()) == 5
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert job["completionMode"] == "Indexed"
    # Index 0 waits for every shard: all of them must run at once.
    assert job["completions"] == job["parallelism"] == int(env["SHARDS"]["value"])
    assert pod["restartPolicy"] in ("Never", "OnFailure")
    script = container["args"][0]
    assert '--shard "$JOB_COMPLETION_INDEX/$SHARDS"' in script
    assert "cisscan merge " in script and '--store "$CISSCAN_STORE"' in script
    assert env["JOB_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.labels['job-name']"


def test_the_script_is_valid_sh():
    _, _, _, container, _ = cronjob_parts()
    proc = subprocess.run(["sh", "-n"], input=container["args"][0], text=True,
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr


def test_the_script_gives_cisscan_only_options_it_has():
    """Each `cisscan` command of the script (its continued lines joined) names options that the
    program's --help lists, for the program and for the subcommand: a misspelt or dropped option
    would fail every night."""
    _, _, _, container, _ = cronjob_parts()
    commands = 0
    for line in container["args"][0].replace("\\\n", " ").splitlines():
        words = line.split()
        if not words or words[0] != "cisscan":
            continue  # comments, and paths that merely contain the name
        commands += 1
        place = 1
        while words[place].startswith("-"):
            assert words[place] in cisscan("--help").stdout, words[place]
            place += 1
        helped = cisscan(words[place], "--help")
        assert helped.code == 0, helped.stderr
        for word in words[place + 1:]:
            if word.startswith("--"):
                assert word.split("=")[0] in helped.stdout, (words[place], word)
    assert commands == 2  # the shard's scan and the merge


def test_every_mount_has_a_volume_and_secrets_come_from_the_documented_ones():
    _, _, pod, container, env = cronjob_parts()
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["name"] for m in container["volumeMounts"]}
    assert mounts == set(volumes)
    assert all(DNS_LABEL.match(name) for name in volumes)
    ssh = volumes["ssh"]["secret"]
    assert {item["key"] for item in ssh["items"]} == {"id_ed25519", "known_hosts"}
    assert ssh["defaultMode"] & 0o007 == 0  # never readable by others
    secrets = {ssh["secretName"], env["CISSCAN_STORE"]["valueFrom"]["secretKeyRef"]["name"]}
    readme = open(os.path.join(SOURCE, "deploy", "README.md")).read()
    for secret in secrets:
        assert f"kubectl create secret generic {secret}" in readme
    # The ConfigMaps and the claim it names are the ones shipped (the checks one is optional).
    shipped = {(doc["kind"], doc["metadata"]["name"]) for _, doc in manifests()}
    assert ("ConfigMap", volumes["inventory"]["configMap"]["name"]) in shipped
    assert ("PersistentVolumeClaim", volumes["data"]["persistentVolumeClaim"]["claimName"]) \
        in shipped
    assert volumes["checks"]["configMap"]["optional"] is True
    security = container["securityContext"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True


def test_the_inventory_configmap_uses_the_mounted_key_and_known_inventory_keys():
    config = next(doc for _, doc in manifests() if doc["kind"] == "ConfigMap"
                  and doc["metadata"]["name"] == "cisscan-inventory")
    inventory = yaml.safe_load(config["data"]["inventory.yaml"])
    assert set(inventory) <= {"defaults", "groups", "hosts"}
    assert inventory["defaults"]["identity_file"] == "/etc/cisscan/ssh/id_ed25519"
    known = {"name", "address", "port", "user", "identity_file", "become", "roles", "groups",
             "transport"}
    for host in inventory["hosts"]:
        assert set(host) <= known, host


def test_the_containerfile_is_debian_12_slim_with_the_catalog_where_cisscan_looks():
    text = open(os.path.join(DEPLOY, "Containerfile")).read()
    froms = [line.split()[1] for line in text.splitlines() if line.startswith("FROM ")]
    assert froms == ["debian:12-slim", "debian:12-slim"]
    assert "cmake --install" in text and "--prefix /usr" in text
    assert "cisscan lint /usr/share/cisscan/checks" in text
    assert re.search(r"^USER 10001", text, re.M)
    _, _, pod, _, _ = cronjob_parts()
    assert pod["securityContext"]["runAsUser"] == 10001


def test_the_containerfile_installs_the_libraries_cisscan_loads_itself():
    # dpkg-shlibdeps names what the binary links; a library it loads only when needed
    # (scanner/history/libpq.hpp) must be installed by name, or the image has no PostgreSQL store.
    cmake = open(os.path.join(SOURCE, "scanner", "CMakeLists.txt")).read()
    sonames = re.findall(r'CISSCAN_LIBPQ="([^"]+)"', cmake)
    assert sonames == ["libpq.so.5"]
    owner = subprocess.run(["dpkg", "-S", f"*/{sonames[0]}"], capture_output=True, text=True,
                           check=True).stdout.split(":")[0]
    text = open(os.path.join(DEPLOY, "Containerfile")).read()
    runtime = text.split("FROM debian:12-slim\n", 1)[1]
    assert re.search(rf"apt-get install[^\n]*\n\s+[^\n]*\b{re.escape(owner)}\b", runtime), owner
