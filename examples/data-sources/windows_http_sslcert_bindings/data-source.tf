# Every SSL binding of the host, IP and SNI.
data "windows_http_sslcert_bindings" "all" {}

# Which certificate serves which port.
output "certificates_by_port" {
  value = {
    for b in data.windows_http_sslcert_bindings.all.bindings :
    coalesce(b.ipport, b.hostnameport) => b.certificate_hash
  }
}

# Bindings in the form windows_http_sslcert_binding takes, to recreate
# them on another host (import the old one, apply to the new).
output "import_ids" {
  value = [for b in data.windows_http_sslcert_bindings.all.bindings : b.id]
}
