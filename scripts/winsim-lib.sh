# Shared by scripts/demo.sh, scripts/demo-fleet.sh and
# scripts/validate-examples.sh (sourced; $root is the repository): a CLI
# configuration that makes Terraform and OpenTofu use the provider just
# built, a scratch directory, and simulated hosts (bin/winsim) on loopback,
# stopped when the script exits.

# use_built_provider FILE: writes FILE, a CLI configuration whose
# dev_overrides point at $root/bin, and uses it through TF_CLI_CONFIG_FILE.
# OpenTofu names the same source address under its own registry's host name.
use_built_provider() {
  cat > "$1" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/seed-1120c41c/windows"  = "$root/bin"
    "registry.opentofu.org/seed-1120c41c/windows" = "$root/bin"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$1" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
}

# prepare_run DIR: an empty DIR with DIR/terraformrc (use_built_provider).
prepare_run() {
  rm -rf "$1" && mkdir -p "$1"
  use_built_provider "$1/terraformrc"
}

# copy_example DIR NAME: examples/NAME and examples/modules into DIR, laid
# out as in the repository (so "../modules/..." resolves); prints the copy
# of examples/NAME.
copy_example() {
  mkdir -p "$1/$2"
  cp "$root/examples/$2"/* "$1/$2/"
  cp -r "$root/examples/modules" "$1/"
  echo "$1/$2"
}

sim_pids=()
stop_sims() {
  local pid
  for pid in "${sim_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${sim_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# start_sim DIR NAME HOSTNAME SCENARIO: a simulated host with the password
# in $sim_password; sets sim_addr to its WinRM HTTP address (HOST:PORT).
# The script's exit stops it (stop_sims).
start_sim() {
  local dir=$1 name=$2 hostname=$3 scenario=$4
  trap stop_sims EXIT
  WINSIM_PASSWORD="$sim_password" "$root/bin/winsim" -listen 127.0.0.1:0 -hostname "$hostname" \
    -scenario "$scenario" -addr-out "$dir/$name.addr.json" >"$dir/$name.winsim.log" 2>&1 &
  sim_pids+=($!)
  for _ in $(seq 100); do [ -s "$dir/$name.addr.json" ] && break; sleep 0.1; done
  [ -s "$dir/$name.addr.json" ] || { cat "$dir/$name.winsim.log"; echo "winsim $name did not start"; exit 1; }
  sim_addr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$dir/$name.addr.json")
}

# new_pfx DIR NAME DNSNAME EKU [tripledes]: a self-signed certificate for
# DNSNAME with its key in DIR/NAME.pfx, protected by $TF_VAR_pfx_password:
# AES-256, as current Windows and OpenSSL 3 export it, or with "tripledes"
# TripleDES-SHA1, which Windows Server 2016 and older need (they cannot
# import AES-256 PFX files; the plan says so). Valid for $PFX_DAYS days
# (default 365).
new_pfx() {
  local encryption=()
  if [ "${5:-}" = tripledes ]; then
    encryption=(-certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1)
  fi
  openssl req -x509 -newkey rsa:2048 -nodes -days "${PFX_DAYS:-365}" -subj "/CN=$3" \
    -addext "subjectAltName=DNS:$3" -addext "extendedKeyUsage=$4" \
    -keyout "$1/$2.key.pem" -out "$1/$2.cert.pem" 2>/dev/null
  openssl pkcs12 -export -in "$1/$2.cert.pem" -inkey "$1/$2.key.pem" -out "$1/$2.pfx" \
    "${encryption[@]}" -passout env:TF_VAR_pfx_password
  rm -f "$1/$2.key.pem"
}

# tf_output NAME [KEY]: a root output of the configuration in the current
# directory (a string, or the KEY of an object), "" when null.
tf_output() {
  "$tf" output -json "$1" | python3 -c 'import json,sys; v=json.load(sys.stdin); k=sys.argv[1:]; v=v[k[0]] if k else v; print("" if v is None else v)' "${@:2}"
}
