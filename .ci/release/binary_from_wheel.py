#!/usr/bin/env python3
"""Copies the `dockside` binary out of a dockside-lint wheel.

usage: binary_from_wheel.py WHEEL OUTPUT

The release's standalone binaries are the very files the wheels carry
(maturin builds and strips them once per target), so a binary and a wheel
of one release never differ. Prints the wheel's platform tags.
"""
import os
import sys
import zipfile


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    wheel, output = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(wheel) as z:
        scripts = [n for n in z.namelist() if n.split("/")[-2:-1] == ["scripts"] and ".data/" in n]
        binaries = [n for n in scripts if n.rsplit("/", 1)[-1] in ("dockside", "dockside.exe")]
        if len(binaries) != 1 or len(scripts) != 1:
            print(f"binary_from_wheel: expected one dockside binary in {wheel}, found {scripts}", file=sys.stderr)
            return 1
        data = z.read(binaries[0])
    os.makedirs(os.path.dirname(output) or ".", exist_ok=True)
    with open(output, "wb") as f:
        f.write(data)
    os.chmod(output, 0o755)
    # name-version-python-abi-platform.whl; the platform part may list several tags.
    platform = os.path.basename(wheel)[: -len(".whl")].split("-")[-1]
    print(f"{output}: {len(data)} bytes from {os.path.basename(wheel)} (platform tags: {', '.join(platform.split('.'))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
