#!/usr/bin/env python3
"""Writes a clang-tidy friendly copy of a CMake compile_commands.json.

Usage: scripts/lint-compdb.py IN_COMPILE_COMMANDS OUT_DIR [PATH_PREFIX]

Keeps only the entries whose file starts with PATH_PREFIX (default: src/ of this
repository) and rewrites each GCC command line for clang:
  * `-include .../cmake_pch.hxx` (GCC's precompiled header: Asio, Beast, JSON, URL) is
    dropped. Clang cannot load GCC's .gch, and parsing the whole header in every file
    doubles the run, since clang-tidy matches over everything a file includes. Each file
    includes what it uses, so it parses without it;
  * flags that only matter to the real build or that clang does not know (-Werror,
    -Winvalid-pch, -Wno-restrict, -o FILE) are dropped, and -Wno-unknown-warning-option
    keeps any other GCC-only -W flag quiet.
"""
import json
import os
import shlex
import sys

# Flags GCC takes and clang does not know, or that must not turn clang's own warnings
# (different from GCC's, already gated by the GCC build) into errors.
DROP = {"-Werror", "-Winvalid-pch", "-Wno-restrict", "-Wno-mismatched-new-delete"}


def rewrite(args):
    out = [args[0]]
    i = 1
    while i < len(args):
        a = args[i]
        if a == "-o" or (a == "-include" and args[i + 1].endswith("cmake_pch.hxx")):
            i += 2
        elif a in DROP:
            i += 1
        else:
            out.append(a)
            i += 1
    out.insert(1, "-Wno-unknown-warning-option")
    return out


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    src, out_dir = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    prefix = sys.argv[3] if len(sys.argv) == 4 else os.path.join(root, "src") + os.sep
    with open(src, encoding="utf-8") as f:
        entries = json.load(f)
    kept = []
    for e in entries:
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if not path.startswith(prefix):
            continue
        args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
        kept.append({"directory": e["directory"], "file": path, "arguments": rewrite(args)})
    if not kept:
        sys.exit(f"lint-compdb: no entries under {prefix} in {src}")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump(kept, f, indent=2)
        f.write("\n")
    print(f"lint-compdb: {len(kept)} files -> {out_dir}/compile_commands.json")


if __name__ == "__main__":
    main()
