#!/usr/bin/env bash
# Static check of the agent's P/Invoke declarations (issue 13, item 6): the
# size and every field offset of each struct in TfWin.Windows.Interop, as
# Mono's marshaller lays it out on x64, must equal what the Windows SDK
# headers give on x64 (mingw-w64's headers, compiled by x86_64-w64-mingw32-gcc
# with C11 _Static_assert). scripts/interop/sdk-extras.h declares the few SDK
# structs mingw-w64 lacks. 32-bit layouts are not checked: Add-Type compiles
# for AnyCPU, and a 32-bit PowerShell would marshal with 4-byte pointers.
# Installs mingw-w64 from Debian's packages where it is missing and apt-get can.
set -euo pipefail
cd "$(dirname "$0")/.."
API=/usr/lib/mono/4.5.1-api
SRC=internal/windows/agent
CC=x86_64-w64-mingw32-gcc

if ! command -v "$CC" >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing mingw-w64 from Debian's packages (gcc-mingw-w64-x86-64)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 >/dev/null
  else
    echo "interop-check needs $CC: apt-get install gcc-mingw-w64-x86-64 (as root)" >&2
    exit 1
  fi
fi
scripts/agent.sh check >/dev/null # installs Mono where missing; the sources must compile

refs=("-r:$API/mscorlib.dll")
while read -r dll; do refs+=("-r:$API/$dll"); done < <(grep -v '^#' "$SRC/references.txt" | sed '/^$/d')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mcs -langversion:5 -nostdlib -noconfig -warnaserror+ "${refs[@]}" -target:exe \
  -main:TfWin.InteropCheck.InteropLayout -out:"$out/layout.exe" \
  $(ls "$SRC"/*.cs "$SRC"/windows/*.cs | grep -v 'Tests\.cs$') scripts/interop/InteropLayout.cs
{
  echo '#define WIN32_LEAN_AND_MEAN'
  echo '#define _WIN32_WINNT 0x0A00'
  echo '#include <winsock2.h>'
  echo '#include <ws2tcpip.h>'
  echo '#include <windows.h>'
  echo '#include <wincrypt.h>'
  echo '#include <http.h>'
  echo '#include <stddef.h>'
  echo '#include "sdk-extras.h"'
  mono "$out/layout.exe" 2>"$out/summary"
} >"$out/layout.c"
"$CC" -std=c11 -c -I scripts/interop -o "$out/layout.o" "$out/layout.c"
echo "$(cat "$out/summary"): sizes and x64 offsets match the Windows SDK headers (mingw-w64); 32-bit layouts not checked"
