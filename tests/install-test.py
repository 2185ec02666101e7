#!/usr/bin/env python3
# install-test.py
#
# Copyright 2026 The Godwit developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

"""`meson install` gives a working Godwit: install-test.py SOURCE-ROOT APP-ID PROFILE

Sets up a build of its own of the source tree (nothing of the running
build directory is used) with --prefix in a temporary folder and
-Dtests=false, installs it, and runs the installed programs from the
prefix: godwit-cli's --version, --help and inspect on the demo store that
build wrote, godwit --version with the prefix's settings schemas, and in
German where po/ has a German catalogue. Checks that exactly the expected
files are installed, and that the translations are merged into the desktop
file and metainfo. Where there is a display and a D-Bus daemon, starts the
app by D-Bus activation with the installed service file and quits it. The
temporary folder is removed whatever happens. Output: TAP.
"""

import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

SCHEMA_ID = "io.github.godwit.Godwit"
DEMO_BUNDLE = os.path.join("data", "demo", "Garden.xcdatamodeld")
DEMO_VERSION = "Garden 2"
DEMO_ENTITIES = ["Bed", "Gardener", "Plant", "Tree"]
# What post-install steps may add beside the installed files.
CACHES = {
    os.path.join("share", "applications", "mimeinfo.cache"),
    os.path.join("share", "glib-2.0", "schemas", "gschemas.compiled"),
    os.path.join("share", "icons", "hicolor", "icon-theme.cache"),
}
COMMAND_TIMEOUT = 60
BUILD_TIMEOUT = 1500


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = False

    def check(self, description, function, *args):
        self.count += 1
        try:
            note = function(*args)
        except Skip as e:
            print(f"ok {self.count} - {description} # SKIP {e}")
        except Exception as e:  # one failed check does not stop the others
            self.failed = True
            print(f"not ok {self.count} - {description}")
            for line in str(e).splitlines() or [type(e).__name__]:
                print(f"# {line}")
        else:
            print(f"ok {self.count} - {description}" + (f": {note}" if note else ""))
        sys.stdout.flush()

    def finish(self):
        print(f"1..{self.count}")
        return 1 if self.failed else 0


class Skip(Exception):
    pass


def run(command, env=None, cwd=None, timeout=COMMAND_TIMEOUT, check=True, stdin=subprocess.DEVNULL):
    result = subprocess.run(command, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True,
                            stdin=stdin)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)}: exit status {result.returncode}\n"
                             f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


def read_po(path):
    """{msgid: msgstr} of the translated, non-fuzzy singular messages."""
    entries = {}
    entry = {}
    key = None

    def flush():
        if ("msgid" in entry and entry.get("msgstr") and "fuzzy" not in entry.get("flags", "")
                and "msgctxt" not in entry and entry["msgid"]):
            entries[entry["msgid"]] = entry["msgstr"]

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#~"):
                if not line:
                    flush()
                    entry, key = {}, None
                continue
            if line.startswith("#,"):
                entry["flags"] = line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if key is not None:
                    entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        flush()
    return entries


def main():
    if len(sys.argv) != 4:
        print("usage: install-test.py SOURCE-ROOT APP-ID PROFILE", file=sys.stderr)
        return 2
    root, app_id, profile = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    # meson test ends a test that runs too long with SIGTERM: clean up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    work = tempfile.mkdtemp(prefix="godwit-install-test-")
    try:
        return test(root, app_id, profile, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test(root, app_id, profile, work):
    tap = Tap()
    prefix = os.path.join(work, "prefix")
    build = os.path.join(work, "build")
    env = {k: v for k, v in os.environ.items() if k not in ("DESTDIR", "MESON_BUILD_ROOT", "MESON_SOURCE_ROOT")}

    try:
        run(["meson", "setup", build, root, f"--prefix={prefix}", "--bindir=bin", "--datadir=share",
             "--localedir=share/locale", "-Dtests=false", f"-Dprofile={profile}", "--wrap-mode=nodownload"],
            env=env, timeout=BUILD_TIMEOUT)
        run(["meson", "compile", "-C", build], env=env, timeout=BUILD_TIMEOUT)
        run(["meson", "install", "-C", build, "--quiet"], env=env, timeout=BUILD_TIMEOUT)
    except (AssertionError, subprocess.TimeoutExpired) as e:
        print(f"Bail out! the build into {prefix} failed: {e}")
        return 1
    print(f"# built and installed into {prefix}")

    version = json.loads(run(["meson", "introspect", build, "--projectinfo"], env=env).stdout)["version"]
    bindir = os.path.join(prefix, "bin")
    share = os.path.join(prefix, "share")
    schemas = os.path.join(share, "glib-2.0", "schemas")
    linguas_path = os.path.join(root, "po", "LINGUAS")
    languages = []
    if os.path.exists(linguas_path):
        with open(linguas_path) as f:
            languages = [word for line in f if not line.startswith("#") for word in line.split()]

    desktop = os.path.join("share", "applications", app_id + ".desktop")
    metainfo = os.path.join("share", "metainfo", app_id + ".metainfo.xml")
    expected = {
        os.path.join("bin", "godwit"),
        os.path.join("bin", "godwit-cli"),
        desktop,
        metainfo,
        os.path.join("share", "dbus-1", "services", app_id + ".service"),
        os.path.join("share", "glib-2.0", "schemas", SCHEMA_ID + ".gschema.xml"),
        os.path.join("share", "icons", "hicolor", "scalable", "apps", app_id + ".svg"),
        os.path.join("share", "icons", "hicolor", "symbolic", "apps", app_id + "-symbolic.svg"),
    } | {os.path.join("share", "locale", lang, "LC_MESSAGES", "godwit.mo") for lang in languages}

    def installed_files():
        found = set()
        for directory, _, files in os.walk(prefix):
            found |= {os.path.relpath(os.path.join(directory, name), prefix) for name in files}
        missing = sorted(expected - found)
        extra = sorted(found - expected - CACHES)
        if missing or extra:
            raise AssertionError(f"missing: {missing}\nnot expected: {extra}")
        for program in ("godwit", "godwit-cli"):
            if not os.access(os.path.join(bindir, program), os.X_OK):
                raise AssertionError(f"{bindir}/{program} is not executable")
        if not os.path.exists(os.path.join(schemas, "gschemas.compiled")):
            raise AssertionError(f"{schemas}: the schemas were not compiled after the install")
        return f"{len(expected)} files, translations for {', '.join(languages) or 'no language'}"

    tap.check("exactly the expected files are installed", installed_files)

    cli = os.path.join(bindir, "godwit-cli")
    english = dict(env, LANG="C.UTF-8", LANGUAGE="")
    english.pop("LC_ALL", None)
    english.pop("LC_MESSAGES", None)

    def cli_version():
        out = run([cli, "--version"], env=english).stdout
        if out != f"godwit-cli {version}\n":
            raise AssertionError(f"godwit-cli --version printed {out!r}")
        return out.strip()

    tap.check("the installed godwit-cli --version", cli_version)

    def cli_help():
        out = run([cli, "--help"], env=english).stdout
        for command in ("model", "inspect", "migrate", "rollback", "sync"):
            if f"\n  {command} " not in out:
                raise AssertionError(f"godwit-cli --help lists no {command} command:\n{out}")

    tap.check("the installed godwit-cli --help lists the commands", cli_help)

    def cli_inspect():
        store = os.path.join(build, "data", "Garden.sqlite")
        out = run([cli, "inspect", store, "--model", os.path.join(root, DEMO_BUNDLE), "--json"], env=english).stdout
        report = json.loads(out)
        if report["model"].get("version") != DEMO_VERSION or report["mismatch"]:
            raise AssertionError(f"inspect: model {report['model']}, mismatch {report['mismatch']}")
        entities = sorted(entity["name"] for entity in report["entities"])
        if entities != DEMO_ENTITIES:
            raise AssertionError(f"inspect: entities {entities}, not {DEMO_ENTITIES}")
        return f"version “{DEMO_VERSION}”, entities {', '.join(entities)}"

    tap.check("the installed godwit-cli inspects the demo store", cli_inspect)

    app_env = dict(english, GSETTINGS_SCHEMA_DIR=schemas, GSETTINGS_BACKEND="memory",
                   XDG_DATA_DIRS=os.pathsep.join([share, env.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share")]))

    def app_version():
        out = run([os.path.join(bindir, "godwit"), "--version"], env=app_env).stdout
        if out != f"godwit {version}\n":
            raise AssertionError(f"godwit --version printed {out!r}")
        return out.strip()

    tap.check("the installed godwit --version", app_version)

    def app_schemas():
        if shutil.which("gsettings") is None:
            raise Skip("gsettings is not installed (Debian: libglib2.0-bin)")
        for schema, key in ((SCHEMA_ID, "window-width"), (SCHEMA_ID + ".Sync", "endpoint")):
            keys = run(["gsettings", "--schemadir", schemas, "list-keys", schema], env=app_env).stdout.split()
            if key not in keys:
                raise AssertionError(f"{schemas}: {schema} has no key {key}: {keys}")

    tap.check("the installed, compiled settings schemas", app_schemas)

    po_path = os.path.join(root, "po", "de.po")
    catalogue = read_po(po_path) if os.path.exists(po_path) else None

    def german_help(program, program_env):
        if catalogue is None:
            raise Skip(f"{po_path} does not exist yet")
        shown = run([program, "--help"], env=program_env).stdout.splitlines()
        german = run([program, "--help"], env=dict(program_env, LANGUAGE="de")).stdout
        checked = [(msgid, msgstr) for msgid, msgstr in catalogue.items()
                   if msgid != msgstr and "\n" not in msgid and "%" not in msgid
                   and any(line.strip() == msgid or line.rstrip().endswith("  " + msgid) for line in shown)]
        if not checked:
            raise AssertionError(f"{po_path} translates none of the messages of {program} --help")
        for msgid, msgstr in checked:
            if msgstr not in german:
                raise AssertionError(f"LANGUAGE=de {program} --help does not say “{msgstr}” for “{msgid}”:\n"
                                     f"{german}")
        return f"{len(checked)} messages in German, e.g. “{checked[0][1]}”"

    tap.check("the installed godwit-cli --help in German (LANGUAGE=de LANG=C.UTF-8)", german_help, cli, english)

    def cli_error_languages():
        """A library error follows the language, except with --json."""
        if catalogue is None:
            raise Skip(f"{po_path} does not exist yet")
        german_env = dict(english, LANGUAGE="de")
        text = run([cli, "inspect", work], env=german_env, check=False)
        json_mode = run([cli, "inspect", work, "--json"], env=german_env, check=False)
        reference = run([cli, "inspect", work, "--json"], env=english, check=False)
        if text.returncode != 2 or json_mode.returncode != 2:
            raise AssertionError(f"inspect of a folder exited with {text.returncode} and {json_mode.returncode}, not 2")
        if text.stderr == reference.stderr or work not in text.stderr:
            raise AssertionError(f"LANGUAGE=de: the error is not in German: {text.stderr!r}")
        if json_mode.stderr != reference.stderr:
            raise AssertionError(f"LANGUAGE=de --json: {json_mode.stderr!r}, not the English {reference.stderr!r}")
        return f"{text.stderr.strip()} / --json: {json_mode.stderr.strip()}"

    tap.check("the installed godwit-cli's errors in German, and in English with --json", cli_error_languages)
    tap.check("the installed godwit --help in German (LANGUAGE=de LANG=C.UTF-8)", german_help,
              os.path.join(bindir, "godwit"), app_env)

    def merged_translations():
        if catalogue is None:
            raise Skip(f"{po_path} does not exist yet")
        checked = 0
        with open(os.path.join(root, "data", "io.github.godwit.Godwit.desktop.in"), encoding="utf-8") as f:
            source_keys = dict(line.rstrip("\n").split("=", 1) for line in f
                               if line.split("=", 1)[0] in ("Name", "GenericName", "Comment"))
        with open(os.path.join(prefix, desktop), encoding="utf-8") as f:
            installed = f.read().splitlines()
        for key, value in source_keys.items():
            if value in catalogue:
                if f"{key}[de]={catalogue[value]}" not in installed:
                    raise AssertionError(f"{prefix}/{desktop}: no {key}[de]={catalogue[value]}")
                checked += 1
        component = ElementTree.parse(os.path.join(prefix, metainfo)).getroot()
        summary = component.findtext("./summary")
        if summary in catalogue:
            german = component.findtext("./summary[@{http://www.w3.org/XML/1998/namespace}lang='de']")
            if german != catalogue[summary]:
                raise AssertionError(f"{prefix}/{metainfo}: the German summary is {german!r}, "
                                     f"po/de.po says {catalogue[summary]!r}")
            checked += 1
        if checked == 0:
            raise AssertionError(f"{po_path} translates none of the desktop file's names and comment "
                                 "nor the metainfo's summary")
        return f"{checked} German strings in the desktop file and metainfo"

    tap.check("the installed desktop file and metainfo carry po/de.po's translations", merged_translations)

    def dbus_activation():
        display = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
        if not display:
            raise Skip("no display (DISPLAY and WAYLAND_DISPLAY are unset) for the app's window")
        for tool in ("dbus-run-session", "gdbus"):
            if shutil.which(tool) is None:
                raise Skip(f"{tool} is not installed (Debian: dbus-daemon, libglib2.0-bin)")
        object_path = "/" + app_id.replace(".", "/")
        # In a bus of its own, whose services are found through XDG_DATA_DIRS:
        # Activate starts the app from the installed service file; then its
        # process must be the installed godwit, and app.quit must end it.
        script = f"""
set -e
gdbus call --session --timeout 30 --dest {app_id} --object-path {object_path} \
  --method org.freedesktop.Application.Activate '{{}}' >/dev/null
pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.GetConnectionUnixProcessID {app_id} | sed 's/^(uint32 \\([0-9]*\\),)$/\\1/')
readlink "/proc/$pid/exe"
gdbus call --session --timeout 30 --dest {app_id} --object-path {object_path} \
  --method org.gtk.Actions.Activate quit '[]' '{{}}' >/dev/null
for i in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 0.1
done
echo "godwit (pid $pid) still runs 10 s after app.quit" >&2
kill "$pid"
exit 1
"""
        activation_env = dict(app_env, NO_AT_BRIDGE="1", GTK_A11Y="none")
        out = run(["dbus-run-session", "--", "sh", "-c", script], env=activation_env, timeout=120).stdout
        executable = out.strip()
        if executable != os.path.join(bindir, "godwit"):
            raise AssertionError(f"the activated process runs {executable!r}, not {bindir}/godwit")
        return f"{app_id} started as {executable} and quit"

    tap.check("D-Bus activation by the installed service file", dbus_activation)

    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
