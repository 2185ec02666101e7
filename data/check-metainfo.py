#!/usr/bin/env python3
# check-metainfo.py
#
# Copyright 2026 The Godwit developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

"""What appstreamcli cannot know about Godwit's metainfo file:
check-metainfo.py METAINFO SOURCE-ROOT VERSION DESKTOP-ID BINARY…

Every screenshot is a file of this tree at its raw URL on the main branch,
a PNG; the newest release is VERSION (meson.build's), and releases are
listed newest first; the launchable is DESKTOP-ID; the binaries it
provides are exactly those meson installs.
"""

import os
import sys
import xml.etree.ElementTree as ElementTree

RAW_URL = "https://raw.githubusercontent.com/godwit-app/godwit/main/"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def version_key(version):
    return [int(part) for part in version.split(".")]


def check(metainfo, root, version, desktop_id, binaries):
    component = ElementTree.parse(metainfo).getroot()

    images = component.findall("./screenshots/screenshot/image")
    if not images:
        raise ValueError(f"{metainfo}: no screenshots")
    for image in images:
        url = image.text.strip()
        if not url.startswith(RAW_URL):
            raise ValueError(f"{metainfo}: screenshot {url} is not a file of the repository ({RAW_URL}…)")
        path = os.path.join(root, url[len(RAW_URL):])
        try:
            with open(path, "rb") as f:
                if f.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
                    raise ValueError(f"{metainfo}: screenshot {path} is not a PNG file")
        except OSError as e:
            raise ValueError(f"{metainfo}: screenshot {url}: {e}")

    releases = [release.get("version") for release in component.findall("./releases/release")]
    if not releases or releases[0] != version:
        raise ValueError(f"{metainfo}: the newest release is {releases[:1]}, meson.build's version is {version}")
    if releases != sorted(releases, key=version_key, reverse=True):
        raise ValueError(f"{metainfo}: releases are not newest first: {releases}")

    launchable = component.findtext("./launchable[@type='desktop-id']")
    if launchable != desktop_id:
        raise ValueError(f"{metainfo}: the launchable is {launchable}, the desktop file is {desktop_id}")

    provided = sorted(binary.text for binary in component.findall("./provides/binary"))
    if provided != sorted(binaries):
        raise ValueError(f"{metainfo}: provides binaries {provided}, meson installs {sorted(binaries)}")

    print(f"ok: {len(images)} screenshots in the tree, release {version} newest, "
          f"launchable {desktop_id}, binaries {', '.join(provided)}")


def main():
    if len(sys.argv) < 6:
        print("usage: check-metainfo.py METAINFO SOURCE-ROOT VERSION DESKTOP-ID BINARY…", file=sys.stderr)
        return 2
    try:
        check(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    except (ValueError, OSError, ElementTree.ParseError) as e:
        print(f"FAILED: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
