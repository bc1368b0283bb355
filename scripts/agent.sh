#!/usr/bin/env bash
# The host agent (internal/windows/agent), compiled as Windows PowerShell's
# Add-Type compiles it: C# 5 only, against the .NET Framework 4.5.1
# reference assemblies (Windows Server 2012 R2's), here with Mono's mcs.
#   scripts/agent.sh check   the shipped sources, no warnings allowed
#   scripts/agent.sh test    the agent's own tests, run under Mono
#   scripts/agent.sh build [OUT]  bin/agent.exe (or OUT), the console host (README)
#   scripts/agent.sh ensure  only install Mono where it is missing
# Installs Mono from Debian's packages where it is missing and apt-get can.
set -euo pipefail
cd "$(dirname "$0")/.."
API=/usr/lib/mono/4.5.1-api
SRC=internal/windows/agent

ensure_mono() {
  if command -v mcs >/dev/null && command -v mono >/dev/null && [ -f "$API/mscorlib.dll" ] \
    && [ -d /usr/lib/mono/gac/I18N.West ]; then
    return
  fi
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing Mono from Debian's packages (mono-devel mono-runtime libmono-i18n-west4.0-cil)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq mono-devel mono-runtime libmono-i18n-west4.0-cil >/dev/null
    return
  fi
  echo "Mono is needed: on Debian or Ubuntu run (as root) apt-get install mono-devel mono-runtime libmono-i18n-west4.0-cil;" >&2
  echo "elsewhere install Mono 6.8 or later with its 4.5.1 reference assemblies (mono-project.com)." >&2
  exit 1
}

# shipped lists the files the provider embeds and sends to hosts.
shipped() { ls "$SRC"/*.cs "$SRC"/windows/*.cs | grep -v 'Tests\.cs$'; }

# mono lists what only the stand-ins of Windows on Mono compile (the tests,
# the console host, the simulator): never sent to hosts.
mono_() { ls "$SRC"/mono/*.cs; }

refs() {
  echo "-r:$API/mscorlib.dll"
  grep -v '^#' "$SRC/references.txt" | sed '/^$/d' | sed "s|^|-r:$API/|"
}

mcs_() { mcs -langversion:5 -nostdlib -noconfig -warnaserror+ $(refs) "$@"; }

ensure_mono
mkdir -p bin
case "${1:-}" in
  ensure)
    mono --version | sed -n 1p
    ;;
  check)
    n=$(shipped | wc -l)
    echo "mcs -langversion:5 against $API: $n agent source files"
    mcs_ -target:library -out:bin/agent-check.dll $(shipped)
    echo "agent compiles for .NET Framework 4.5.1 with no warnings"
    ;;
  test)
    mcs_ -target:exe -main:TfWin.Testing.TestMain -out:bin/agent-tests.exe \
      $(shipped) $(mono_) "$SRC"/*Tests.cs "$SRC"/testing/*.cs
    mono --debug bin/agent-tests.exe "${@:2}"
    ;;
  build)
    out="${2:-bin/agent.exe}"
    mcs_ -target:exe -main:TfWin.Testing.ConsoleMain -out:"$out" $(shipped) $(mono_) "$SRC"/testing/*.cs
    echo "built $out: mono $out --root DIR < requests"
    ;;
  *)
    echo "usage: scripts/agent.sh check|test|build" >&2
    exit 2
    ;;
esac
