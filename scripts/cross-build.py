#!/usr/bin/env python3
"""Cross-builds the addon for Windows with MinGW-w64 on Linux.

Stands in for node-gyp when prebuildify runs on Linux (`prebuildify
--node-gyp=scripts/cross-build.py`): it accepts node-gyp's `rebuild --arch=X`
arguments and leaves build/Release/sspi_native.node. Sources, defines and
libraries come from binding.gyp, the project's one build definition.

Node-API is imported from "node.exe" through a MinGW delay-load library; the hook
in src-native/delay_load_hook.cc points it at the host process, so the addon also
loads in electron.exe or any renamed host. libgcc, libstdc++ and winpthread are
linked statically: the only imports are system DLLs, Secur32.dll and node.exe.
"""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLCHAINS = {"x64": "x86_64-w64-mingw32", "ia32": "i686-w64-mingw32"}


def load_gyp():
    text = open(os.path.join(ROOT, "binding.gyp"), encoding="utf-8").read()
    text = re.sub(r"(?m)^\s*#.*$", "", text)
    gyp = ast.literal_eval(text)
    target = next(t for t in gyp["targets"] if t["target_name"] == "sspi_native")
    variables = gyp.get("variables", {})

    def expand(value):
        return re.sub(r"<\((\w+)\)", lambda m: str(variables[m.group(1)]), value)

    return {
        "sources": target["sources"],
        "defines": [expand(d) for d in target.get("defines", [])],
        "libraries": [l[:-4] if l.endswith(".lib") else l for l in target.get("libraries", [])],
        "napi_version": variables.get("napi_version"),
    }


def node_require(expr):
    out = subprocess.check_output(["node", "-p", expr], cwd=ROOT, text=True)
    return out.strip()


def check_napi_version(gyp):
    pkg = json.load(open(os.path.join(ROOT, "package.json"), encoding="utf-8"))
    declared = pkg.get("binary", {}).get("napi_versions", [])
    if declared != [gyp["napi_version"]]:
        sys.exit(f"binding.gyp napi_version {gyp['napi_version']} != package.json binary.napi_versions {declared}")


def run(cmd, cwd=ROOT):
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.stderr.write(" ".join(cmd) + "\n" + result.stdout)
        raise SystemExit(result.returncode)
    if result.stdout.strip():
        sys.stderr.write(result.stdout)


def build(arch, out_dir):
    gyp = load_gyp()
    check_napi_version(gyp)
    triple = TOOLCHAINS[arch]
    cxx = shutil.which(f"{triple}-g++-posix") or sys.exit(f"{triple}-g++-posix not found (apt: g++-mingw-w64)")
    obj_dir = os.path.join(ROOT, "build", f"obj-{arch}")
    os.makedirs(obj_dir, exist_ok=True)
    os.makedirs(out_dir, exist_ok=True)

    headers = node_require("require('node-api-headers').include_dir")
    node_def = node_require("require('node-api-headers').def_paths.node_api_def")
    addon_api = os.path.join(ROOT, node_require("require('node-addon-api').include_dir"))
    delaylib = os.path.join(obj_dir, "libnode_delay.a")
    # A delay-load import library for node.exe (see the module docstring).
    # dlltool names symbols after the output path and members after a temp
    # prefix: relative names in obj_dir keep the binary free of checkout paths.
    run([f"{triple}-dlltool", "-d", node_def, "-D", "node.exe", "-y", os.path.basename(delaylib),
         "--temp-prefix", "node_delay"], cwd=obj_dir)

    flags = ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-fno-strict-aliasing",
             "-DNAPI_CPP_EXCEPTIONS", "-DBUILDING_NODE_EXTENSION", "-DNODE_GYP_MODULE_NAME=sspi_native",
             "-D_WIN32_WINNT=0x0A00", f"-I{headers}", f"-I{addon_api}"]
    flags += [f"-D{d}" for d in gyp["defines"]]

    def compile_one(src):
        obj = os.path.join(obj_dir, os.path.basename(src) + ".o")
        run([cxx, *flags, "-c", src, "-o", obj])
        return obj

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        objects = list(pool.map(compile_one, gyp["sources"]))

    output = os.path.join(out_dir, "sspi_native.node")
    # ld orders .idata sections by input file name: relative inputs keep the
    # binary identical in every checkout.
    objects = [os.path.relpath(o, ROOT) for o in objects]
    delaylib = os.path.relpath(delaylib, ROOT)
    link = [cxx, "-shared", "-s", "-static", "-static-libgcc", "-static-libstdc++",
            "-Wl,--no-undefined", "-Wl,--dynamicbase", "-Wl,--nxcompat", "-Wl,--no-insert-timestamp",
            # ld derives the auto image base from the output path; ASLR relocates anyway.
            "-Wl,--disable-auto-image-base",
            "-o", output, *objects, delaylib] + [f"-l{l}" for l in gyp["libraries"]]
    if arch == "x64":
        link.append("-Wl,--high-entropy-va")
    run(link)
    return output


def main(argv):
    arch = "x64"
    for arg in argv:
        if arg.startswith("--arch="):
            arch = arg.split("=", 1)[1]
    if arch not in TOOLCHAINS:
        sys.exit(f"unsupported arch {arch}; cross-builds are {', '.join(TOOLCHAINS)}")
    out_dir = os.path.join(ROOT, "build", "Release")
    shutil.rmtree(out_dir, ignore_errors=True)
    print(build(arch, out_dir))


if __name__ == "__main__":
    main(sys.argv[1:])
