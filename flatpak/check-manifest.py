#!/usr/bin/env python3
# check-manifest.py
#
# Copyright 2026 The Godwit developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks Godwit's Flatpak manifests without the GNOME runtime.

check-manifest.py check SOURCE-ROOT
    Both manifests parse (and `flatpak-builder --show-manifest` takes them
    without a warning, where it is installed); every module's sources are
    pinned (archives and files by https URL and sha256, git by commit);
    the app module builds the source tree itself (a `dir` source); the ids
    are the two meson.build gives its profiles; the manifests differ in
    nothing but the id and the profile; the finish-args are exactly those
    flatpak/README.md documents.

check-manifest.py build-modules SOURCE-ROOT
    Downloads each extra module's pinned archive, verifies its sha256,
    builds it with this system's toolchain into a temporary prefix the way
    flatpak-builder would (the manifest's config-opts, autogen with
    NOCONFIGURE=1 when there is no configure script), and checks that it
    provides a dependency of Godwit at the version meson.build asks for.
    Skipped without network access or without the build tools.

Exit status: 0 passed, 1 failed, 77 skipped (meson's code for a skip).
"""

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request

SKIP = 77
RUNTIME = "org.gnome.Platform"
SDK = "org.gnome.Sdk"
COMMAND = "godwit"
APP_MODULE = "godwit"
MANIFESTS = ("io.github.godwit.Godwit.json", "io.github.godwit.Godwit.Devel.json")
DOWNLOAD_TIMEOUT = 30
MAX_ARCHIVE_SIZE = 256 * 1024 * 1024
# What GCC 14 turned into errors and GCC 15's default -std=gnu23 changes:
# the GNOME SDK's compiler is newer than Debian 12's, so the local build
# is made at least as strict as it would be there.
STRICT_CFLAGS = ("-O2 -std=gnu2x -Werror=implicit-function-declaration -Werror=implicit-int "
                 "-Werror=incompatible-pointer-types -Werror=int-conversion")
AUTOGEN_SCRIPTS = ("autogen", "autogen.sh", "bootstrap", "bootstrap.sh")


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def reject_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise ValueError(f"the key “{key}” appears {keys.count(key)} times in one object")
    return dict(pairs)


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f, object_pairs_hook=reject_duplicate_keys)
    except (OSError, ValueError) as e:
        raise Failure(f"{path}: {e}")


def resolve_modules(manifest_path, node, where):
    """The modules of a manifest or module, with modules given as file
    names (flatpak-builder's includes) read relative to the manifest."""
    modules = []
    for i, module in enumerate(node.get("modules", [])):
        if isinstance(module, str):
            include = os.path.join(os.path.dirname(manifest_path), module)
            module = load_json(include)
            label = f"{where} → {os.path.relpath(include, os.path.dirname(manifest_path))}"
        else:
            label = f"{where} modules[{i}]"
        if not isinstance(module, dict) or not isinstance(module.get("name"), str):
            raise Failure(f"{label}: a module is an object with a name")
        modules.append((label, module))
        modules.extend(resolve_modules(manifest_path, module, label))
    return modules


def load_manifest(path):
    manifest = load_json(path)
    if not isinstance(manifest, dict):
        raise Failure(f"{path}: not a JSON object")
    return manifest, resolve_modules(path, manifest, os.path.basename(path))


def app_ids(root):
    """meson.build's app id for each profile."""
    path = os.path.join(root, "meson.build")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"if get_option\('profile'\) == 'development'\s*\n\s*app_id = '([^']+)'\s*\n"
                      r"\s*else\s*\n\s*app_id = '([^']+)'", text)
    if match is None:
        raise Failure(f"{path}: the app ids of the two profiles are not where this check looks for them")
    return {"development": match.group(1), "default": match.group(2)}


def documented_finish_args(root):
    """The finish-args flatpak/README.md's table gives a reason for."""
    path = os.path.join(root, "flatpak", "README.md")
    with open(path, encoding="utf-8") as f:
        args = re.findall(r"^\| `(--[^`]+)` \|", f.read(), re.MULTILINE)
    if not args:
        raise Failure(f"{path}: no table of finish-args (rows starting with | `--…` |)")
    return args


def profile_of(module):
    profile = "default"
    for opt in module.get("config-opts", []):
        if opt.startswith("-Dprofile="):
            profile = opt.split("=", 1)[1]
    return profile


def check_source(manifest_dir, label, source, is_app):
    kind = source.get("type")
    if kind in ("archive", "file"):
        url = source.get("url", "")
        if not url.startswith("https://"):
            raise Failure(f"{label}: the {kind} source needs an https url, not “{url}”")
        if not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
            raise Failure(f"{label}: {url} has no sha256 (64 lowercase hex digits)")
    elif kind == "git":
        if not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")):
            raise Failure(f"{label}: git source {source.get('url')} is not pinned to a commit (40 hex digits)")
    elif kind == "patch":
        path = os.path.join(manifest_dir, source.get("path", ""))
        if not os.path.isfile(path):
            raise Failure(f"{label}: patch {path} does not exist")
    elif kind == "dir":
        if not is_app:
            raise Failure(f"{label}: only the app module builds from a dir source")
    else:
        raise Failure(f"{label}: source type “{kind}” is not one this check knows to be pinned")


def check_manifest(root, name, ids, runtime_versions, documented):
    path = os.path.join(root, "flatpak", name)
    manifest, modules = load_manifest(path)
    manifest_dir = os.path.dirname(path)

    for key, expected in (("runtime", RUNTIME), ("sdk", SDK), ("command", COMMAND)):
        if manifest.get(key) != expected:
            raise Failure(f"{path}: {key} is “{manifest.get(key)}”, not “{expected}”")
    if not isinstance(manifest.get("runtime-version"), str):
        raise Failure(f"{path}: runtime-version is not a string")
    runtime_versions.add(manifest["runtime-version"])

    names = [module["name"] for _, module in modules]
    if len(set(names)) != len(names):
        raise Failure(f"{path}: module names repeat: {names}")
    app_label, app = modules[-1]
    if app["name"] != APP_MODULE or app.get("buildsystem") != "meson":
        raise Failure(f"{path}: the last module is “{app['name']}”, not the meson module “{APP_MODULE}”")
    for label, module in modules:
        sources = module.get("sources")
        if not isinstance(sources, list) or not sources:
            raise Failure(f"{label}: module {module['name']} has no sources")
        for i, source in enumerate(sources):
            if not isinstance(source, dict):
                raise Failure(f"{label} sources[{i}]: not an object")
            check_source(manifest_dir, f"{label} sources[{i}]", source, module is app)
    app_sources = app["sources"]
    if len(app_sources) != 1 or app_sources[0].get("type") != "dir":
        raise Failure(f"{app_label}: the app module's one source is the tree itself, a dir source")
    tree = os.path.join(manifest_dir, app_sources[0].get("path", ""))
    if not os.path.isdir(tree) or not os.path.samefile(tree, root):
        raise Failure(f"{app_label}: the dir source {tree} is not the source tree {root}")

    profile = profile_of(app)
    if profile not in ids:
        raise Failure(f"{app_label}: -Dprofile={profile} is not a profile meson.build gives an app id")
    if manifest.get("id") != ids[profile] or name != ids[profile] + ".json":
        raise Failure(f"{path}: the {profile} profile's app id is {ids[profile]}, so the manifest is "
                      f"{ids[profile]}.json with that id; its id is “{manifest.get('id')}”")

    finish_args = manifest.get("finish-args", [])
    if len(set(finish_args)) != len(finish_args):
        raise Failure(f"{path}: finish-args repeat: {finish_args}")
    if set(finish_args) != set(documented):
        undocumented = sorted(set(finish_args) - set(documented))
        unused = sorted(set(documented) - set(finish_args))
        raise Failure(f"{path}: finish-args differ from flatpak/README.md's: "
                      f"not documented {undocumented}, documented but absent {unused}")

    flatpak_builder = shutil.which("flatpak-builder")
    if flatpak_builder is not None:
        result = subprocess.run([flatpak_builder, "--show-manifest", path],
                                capture_output=True, text=True, cwd=manifest_dir)
        if result.returncode != 0 or "WARNING" in result.stderr:
            raise Failure(f"{path}: flatpak-builder --show-manifest: {result.stderr.strip()}")
        if json.loads(result.stdout).get("id") != manifest["id"]:
            raise Failure(f"{path}: flatpak-builder reads another id from it")
        print(f"ok: {name}: flatpak-builder --show-manifest reads it without a warning")
    else:
        print(f"note: {name}: flatpak-builder is not installed: its own parser was not run")

    print(f"ok: {name}: {manifest['id']}, {RUNTIME}//{manifest['runtime-version']}, "
          f"{len(modules)} modules, every source pinned, finish-args as documented")
    return manifest


def comparable(manifest):
    """The manifest without what the Devel one changes: the id and the app
    module's profile."""
    copy = json.loads(json.dumps(manifest))
    copy.pop("id", None)
    app = copy["modules"][-1]
    app["config-opts"] = [opt for opt in app.get("config-opts", []) if not opt.startswith("-Dprofile=")]
    return copy


def check(root):
    ids = app_ids(root)
    documented = documented_finish_args(root)
    if len(set(documented)) != len(documented):
        raise Failure(f"{root}/flatpak/README.md: a finish-arg is documented twice")
    runtime_versions = set()
    manifests = [check_manifest(root, name, ids, runtime_versions, documented) for name in MANIFESTS]
    if len(runtime_versions) != 1:
        raise Failure(f"the manifests use different runtime versions: {sorted(runtime_versions)}")
    if comparable(manifests[0]) != comparable(manifests[1]):
        raise Failure(f"{MANIFESTS[0]} and {MANIFESTS[1]} differ in more than the id and the profile")
    print(f"ok: {MANIFESTS[1]} differs from {MANIFESTS[0]} in the id and the profile only")


# ---- build-modules ----------------------------------------------------------

def godwit_dependency_floors(root):
    """{pkg-config name: minimum version} of meson.build's dependencies."""
    floors = {}
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if not d.startswith(("_", "."))]
        if "meson.build" not in files:
            continue
        with open(os.path.join(directory, "meson.build"), encoding="utf-8") as f:
            text = f.read()
        variables = dict(re.findall(r"^(\w+) = '([0-9.]+)'$", text, re.MULTILINE))
        for name, literal, variable in re.findall(
                r"dependency\('([^']+)',\s*version:\s*'>=\s*(?:([0-9.]+)'|'\s*\+\s*(\w+))", text):
            floor = literal or variables.get(variable)
            if floor:
                floors[name] = floor
    return floors


def download(url, sha256, path):
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response, open(path, "wb") as out:
            digest = hashlib.sha256()
            size = 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > MAX_ARCHIVE_SIZE:
                    raise Failure(f"{url}: larger than {MAX_ARCHIVE_SIZE} bytes")
                digest.update(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as e:
        # The server answered: the pinned URL itself is wrong.
        raise Failure(f"{url}: HTTP {e.code} {e.reason}")
    except (urllib.error.URLError, socket.timeout, ConnectionError) as e:
        raise Skip(f"{url}: not reachable from here ({getattr(e, 'reason', e)})")
    if digest.hexdigest() != sha256:
        raise Failure(f"{url}: sha256 is {digest.hexdigest()}, the manifest pins {sha256}")
    print(f"ok: {url}: {size} bytes, sha256 as pinned")


def extract(archive, destination, strip_components):
    """As flatpak-builder unpacks an archive source: its first
    strip-components levels of folders dropped, nothing outside."""
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")[strip_components:]
            if not parts or parts == [""]:
                continue
            if member.issym() and (os.path.isabs(member.linkname) or ".." in member.linkname.split("/")):
                raise Failure(f"{archive}: {member.name} links outside the archive")
            if member.islnk():
                member.linkname = "/".join(member.linkname.split("/")[strip_components:])
            member.name = "/".join(parts)
            if os.path.isabs(member.name) or ".." in parts:
                raise Failure(f"{archive}: {member.name} points outside the archive")
            tar.extract(member, destination)


def run(command, cwd, env, log):
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise Failure(f"{cwd}: {' '.join(command)} failed with status {result.returncode}")


def build_autotools(module, source_dir, prefix, log):
    env = dict(os.environ, CFLAGS=STRICT_CFLAGS)
    if not os.path.exists(os.path.join(source_dir, "configure")) and not module.get("no-autogen"):
        script = next((s for s in AUTOGEN_SCRIPTS if os.path.exists(os.path.join(source_dir, s))), None)
        if script is None:
            raise Failure(f"{source_dir}: no configure script and no autogen script")
        run(["sh", script], source_dir, dict(env, NOCONFIGURE="1"), log)
    build_dir = os.path.join(source_dir, "_flatpak_build") if module.get("builddir") else source_dir
    os.makedirs(build_dir, exist_ok=True)
    run([os.path.join(source_dir, "configure"), f"--prefix={prefix}"] + module.get("config-opts", []),
        build_dir, env, log)
    run(["make", f"-j{os.cpu_count() or 1}"], build_dir, env, log)
    run(["make", "install"], build_dir, env, log)


def installed_pc_files(prefix):
    found = {}
    for libdir in ("lib", "lib64", "share"):
        pkgconfig = os.path.join(prefix, libdir, "pkgconfig")
        if os.path.isdir(pkgconfig):
            for name in os.listdir(pkgconfig):
                if name.endswith(".pc"):
                    found[name[:-3]] = pkgconfig
    return found


def build_modules(root):
    manifest_path = os.path.join(root, "flatpak", MANIFESTS[0])
    _, modules = load_manifest(manifest_path)
    extra = [(label, module) for label, module in modules if module["name"] != APP_MODULE]
    floors = godwit_dependency_floors(root)

    tools = {"autotools": ("sh", "make", "cc", "autoconf", "automake", "aclocal", "autoheader", "libtoolize",
                           "pkg-config")}
    for label, module in extra:
        buildsystem = module.get("buildsystem", "autotools")
        if buildsystem not in tools:
            raise Failure(f"{label}: this check builds autotools modules only, not {buildsystem}")
        missing = [tool for tool in tools[buildsystem] if shutil.which(tool) is None]
        if missing:
            raise Skip(f"{label}: building it needs {', '.join(missing)} "
                       "(Debian: autoconf automake libtool pkg-config make gcc)")

    work = tempfile.mkdtemp(prefix="godwit-flatpak-modules-")
    try:
        prefix = os.path.join(work, "prefix")
        for label, module in extra:
            source_dir = os.path.join(work, module["name"])
            os.makedirs(source_dir)
            for i, source in enumerate(module["sources"]):
                if source["type"] != "archive":
                    raise Failure(f"{label} sources[{i}]: this check unpacks archive sources only")
                archive = os.path.join(work, os.path.basename(source["url"]))
                download(source["url"], source["sha256"], archive)
                extract(archive, source_dir, source.get("strip-components", 1))
            log_path = os.path.join(work, module["name"] + ".log")
            with open(log_path, "w") as log:
                try:
                    build_autotools(module, source_dir, prefix, log)
                except Failure:
                    with open(log_path) as f:
                        sys.stdout.write("".join(f.readlines()[-40:]))
                    raise
            print(f"ok: {module['name']}: built and installed with config-opts "
                  f"{module.get('config-opts', [])} and CFLAGS {STRICT_CFLAGS}")

            pcs = installed_pc_files(prefix)
            provided = sorted(name for name in pcs if name in floors)
            if not provided:
                raise Failure(f"{label}: {module['name']} installs no pkg-config file of a Godwit "
                              f"dependency (it installs {sorted(pcs)})")
            env = dict(os.environ, PKG_CONFIG_PATH=os.pathsep.join(sorted(set(pcs.values()))),
                       PKG_CONFIG_LIBDIR="")
            for name in provided:
                version = subprocess.run(["pkg-config", "--modversion", name], env=env,
                                         capture_output=True, text=True).stdout.strip()
                if subprocess.run(["pkg-config", f"--atleast-version={floors[name]}", name], env=env).returncode:
                    raise Failure(f"{label}: {name} {version} is older than meson.build's floor {floors[name]}")
                print(f"ok: {module['name']} provides {name} {version} (meson.build asks for >= {floors[name]})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("check", "build-modules"):
        print("usage: check-manifest.py check|build-modules SOURCE-ROOT", file=sys.stderr)
        return 2
    # meson test ends a test that runs too long with SIGTERM: clean up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    root = os.path.abspath(sys.argv[2])
    try:
        if sys.argv[1] == "check":
            check(root)
        else:
            build_modules(root)
    except Skip as e:
        print(f"skipped: {e}")
        return SKIP
    except Failure as e:
        print(f"FAILED: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
