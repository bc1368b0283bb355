#!/usr/bin/env bash
# The main job (README): terraform apply of one of the procedures against
# simulated hosts (bin/winsim) started here, unless real ones are named,
# then a plan that must be empty, then the proof the procedure ends with:
# the thumbprint windows_tls_endpoint read from the host itself (the check
# block's data source) is the certificate's, and also the one read from a
# client machine through the server's firewall: the BPA Platform machine
# (sage300), a simulated workstation (sage50) or touch terminal (netpos). Run through `make demo`, which
# builds bin/terraform-provider-windows and bin/winsim first.
#
# DEMO picks the procedure (examples/DEMO, against examples/scenarios):
#   sage50   (default) the Sage 50 server; a real one with WINRM_HOST,
#            WINRM_USERNAME, WINRM_PASSWORD (and WINRM_PORT, ...), and
#            TF_VAR_fqdn, TF_VAR_pfx_path, TF_VAR_pfx_password
#   sage300  the Sage 300 server and the BPA Platform machine; real ones with
#            TF_VAR_sage300_host, TF_VAR_bpa_host, TF_VAR_winrm_username,
#            TF_VAR_winrm_password, TF_VAR_fqdn, TF_VAR_pfx_path,
#            TF_VAR_pfx_password
#   netpos   the German NetPOS.Net server with its certificate installed; a
#            real one with WINRM_* and TF_VAR_fqdn
# TF names the binary that runs it: terraform on PATH by default, TF=tofu
# for OpenTofu (`make demo-tofu`).
set -euo pipefail
tf=${TF:-terraform}
demo=${DEMO:-sage50}
root=$(cd "$(dirname "$0")/.." && pwd)
run="$root/demo/.run"
# shellcheck source=scripts/winsim-lib.sh
. "$root/scripts/winsim-lib.sh"
prepare_run "$run"
sim_password=$(openssl rand -base64 18)
# service_sim: the simulated host that runs the procedure's service, if any.
service_sim=

# The certificate the reseller bought, as a password-protected PFX, unless
# TF_VAR_pfx_path names one; "tripledes" as the third argument for a host
# on Windows Server 2016, which cannot import an AES-256 PFX.
pfx() {
  if [ -z "${TF_VAR_pfx_path:-}" ]; then
    export TF_VAR_pfx_password TF_VAR_pfx_path="$run/$1.pfx"
    TF_VAR_pfx_password=$(openssl rand -base64 12)
    new_pfx "$run" "$1" "$2" "serverAuth,clientAuth" "${3:-}"
  fi
}

# start_client NAME HOSTNAME SERVER_NAMES ROOT_PEM_FILE: a simulated client
# machine (a workstation, a touch terminal) that trusts the certificate in
# ROOT_PEM_FILE (as Group Policy deploys a CA's root) and on which the
# server's names (a JSON list) resolve to the server (sim_addr when called),
# behind its simulated firewall; the example then also proves the endpoint
# from there (client_host, client_port).
start_client() {
  local server=$sim_addr
  python3 -c 'import json,sys; print(json.dumps({"hostname": sys.argv[1], "certificates": [{"store": "Root", "pem": open(sys.argv[2]).read()}]}))' \
    "$2" "$4" > "$run/$1.json"
  start_sim "$run" "$1" "$2" "$run/$1.json"
  curl -fsS -u "Administrator:$sim_password" -X PUT --data-binary \
    "[{\"names\":$3,\"address\":\"10.20.0.40\",\"admin\":\"$server\"}]" "http://$sim_addr/winsim/peers"
  export TF_VAR_client_host=${sim_addr%:*} TF_VAR_client_port=${sim_addr##*:}
  echo "simulated client $2 on $sim_addr: the server's names resolve to it, behind its firewall"
}

client_what=
case "$demo" in
  sage50)
    export TF_VAR_fqdn=${TF_VAR_fqdn:-sage50.example.local}
    pfx sage50 "$TF_VAR_fqdn"
    if [ -z "${WINRM_HOST:-}" ]; then
      start_sim "$run" sage50 SAGE50 "$root/examples/scenarios/sage50.json"
      export WINRM_HOST=${sim_addr%:*} WINRM_PORT=${sim_addr##*:} WINRM_USERNAME=Administrator WINRM_PASSWORD="$sim_password"
      echo "simulated host SAGE50 on $sim_addr (NTLM with message encryption)"
      service_sim=$sim_addr
      if [ -f "$run/sage50.cert.pem" ]; then
        start_client ws01 WS01 "[\"SAGE50\",\"$TF_VAR_fqdn\"]" "$run/sage50.cert.pem"
        client_what="the Sage 50 workstation WS01"
      fi
    fi
    port=4106 want_output=(certificate thumbprint) what="the Integration Agent"
    service=Sage50AccountsIntegrationService http_port=4105
    ;;
  sage300)
    # The simulated Sage 300 server runs Windows Server 2016.
    export TF_VAR_fqdn=${TF_VAR_fqdn:-sage300.example.local}
    pfx sage300 "$TF_VAR_fqdn" tripledes
    if [ -z "${TF_VAR_sage300_host:-}" ]; then
      start_sim "$run" sage300 SAGE300 "$root/examples/scenarios/sage300.json"
      export TF_VAR_sage300_host=${sim_addr%:*} TF_VAR_sage300_port=${sim_addr##*:}
      echo "simulated Sage 300 server SAGE300 on $sim_addr"
      service_sim=$sim_addr
      start_sim "$run" bpa BPA01 "$root/examples/scenarios/bpa.json"
      export TF_VAR_bpa_host=${sim_addr%:*} TF_VAR_bpa_port=${sim_addr##*:}
      echo "simulated BPA Platform machine BPA01 on $sim_addr"
      # One network: on BPA01 the server's names resolve to it, and its
      # simulated firewall decides what the BPA machine's connections meet.
      curl -fsS -u "Administrator:$sim_password" -X PUT --data-binary \
        "[{\"names\":[\"SAGE300\",\"$TF_VAR_fqdn\"],\"address\":\"10.20.0.30\",\"admin\":\"$TF_VAR_sage300_host:$TF_VAR_sage300_port\"}]" \
        "http://$sim_addr/winsim/peers"
      echo "on BPA01, $TF_VAR_fqdn resolves to SAGE300 (10.20.0.30), behind its firewall"
      export TF_VAR_winrm_username=Administrator TF_VAR_winrm_password="$sim_password"
    fi
    port=4207 want_output=(thumbprint) what="the Sage 300 Connector Agent"
    service=Sage300IntegrationService http_port=4207
    [ -n "${TF_VAR_bpa_host:-}" ] && client_what="the BPA Platform machine"
    ;;
  netpos)
    export TF_VAR_fqdn=${TF_VAR_fqdn:-netpos01.example.local}
    if [ -z "${WINRM_HOST:-}" ]; then
      start_sim "$run" netpos NETPOS01 "$root/examples/scenarios/netpos.json"
      export WINRM_HOST=${sim_addr%:*} WINRM_PORT=${sim_addr##*:} WINRM_USERNAME=Administrator WINRM_PASSWORD="$sim_password"
      echo "simulated host NETPOS01 (de-DE) on $sim_addr"
      service_sim=$sim_addr
      python3 -c 'import json,sys; print(next(c["pem"] for c in json.load(open(sys.argv[1]))["certificates"] if c["store"] == "Root"))' \
        "$root/examples/scenarios/netpos.json" > "$run/netpos-root.pem"
      start_client till01 TILL01 "[\"NETPOS01\",\"$TF_VAR_fqdn\"]" "$run/netpos-root.pem"
      client_what="the touch terminal TILL01"
    fi
    port=10101 want_output=(thumbprint) what="NetPOS.Net"
    service=NetPOS.Net http_port=10101
    ;;
  *)
    echo "DEMO=$demo: use sage50, sage300 or netpos" >&2
    exit 2
    ;;
esac

cd "$(copy_example "$run" "$demo")"
# Modules only: with dev_overrides the provider needs no init (init would
# still ask the registry about it).
"$tf" get >/dev/null
"$tf" apply -auto-approve -input=false
echo "--- re-plan (must be empty) ---"
"$tf" plan -detailed-exitcode -input=false

# The procedures' last check: the endpoint now serves that certificate, as
# the host itself sees it (data source windows_tls_endpoint, which the
# module's check block asserts on).
want=$(tf_output "${want_output[@]}")
served=$(tf_output served_thumbprint)
echo "--- windows_tls_endpoint, from the host: port $port ($what) serves ${served:-nothing} ---"
[ -n "$served" ] && [ "$served" = "$want" ] || { echo "want the certificate $want"; exit 1; }
echo "the served certificate is the one the procedure installed: $want"

# The same proof from a client machine (the BPA Platform machine for Sage 300,
# a workstation or touch terminal when simulated): through the server's
# firewall (the module's rule), with the client's DNS and trust.
if [ -n "$client_what" ]; then
  client=$(tf_output client_served_thumbprint)
  echo "--- windows_tls_endpoint, from $client_what: port $port serves ${client:-nothing} ---"
  [ -n "$client" ] && [ "$client" = "$want" ] || { echo "want the certificate $want"; exit 1; }
  echo "$client_what reaches $what through the firewall and trusts its certificate"
fi

# Then the rollback, as an admin undoes the procedure (docs/guides/
# rolling-back.md): terraform destroy, and the proof that the service,
# restarted last, serves no HTTPS and answers plain HTTP again (on a
# simulated host; on a real one, check it as the guide shows). The destroy
# restores the settings and removes what the procedure added, and then (the
# module's windows_service_restart with when = "destroy") restarts the
# service, which starts on its original settings.
echo "--- rollback: $tf destroy ---"
"$tf" destroy -auto-approve -input=false
if [ -z "$service_sim" ]; then
  echo "real host: check that $service runs and answers plain HTTP on port $http_port as docs/guides/rolling-back.md shows"
  exit 0
fi
# What a client without "Use HTTPS" sees: the simulator lists the endpoints
# its services serve (GET /winsim/http-endpoints, /winsim/endpoints), and the
# service answers a plain HTTP request on its port with its name.
answer=$(SIM="$service_sim" SIM_PASSWORD="$sim_password" SERVICE="$service" PORT="$http_port" python3 - <<'PY'
import base64, json, os, sys, urllib.request
auth = "Basic " + base64.b64encode(("Administrator:" + os.environ["SIM_PASSWORD"]).encode()).decode()
def endpoints(path):
    req = urllib.request.Request("http://" + os.environ["SIM"] + path, headers={"Authorization": auth})
    return json.load(urllib.request.urlopen(req, timeout=30))
service, port = os.environ["SERVICE"], int(os.environ["PORT"])
https = [e for e in endpoints("/winsim/endpoints") if e["service"] == service]
if https:
    sys.exit("%s still serves HTTPS after the rollback: %s" % (service, https))
for e in endpoints("/winsim/http-endpoints"):
    if e["service"] == service and e["port"] == port:
        print(urllib.request.urlopen("http://" + e["address"] + "/", timeout=30).read().decode())
        sys.exit(0)
sys.exit("%s serves no plain HTTP on port %d after the rollback" % (service, port))
PY
)
echo "--- after the rollback: $service, restarted, serves no HTTPS and answers plain HTTP on port $http_port: \"$answer\" ---"
[ "$answer" = "$service" ] || { echo "want $service to answer"; exit 1; }
