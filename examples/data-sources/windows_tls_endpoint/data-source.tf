# Follows the Sage 300 server procedure (windows_pfx_certificate.sage300, ...,
# windows_service_restart.agent; see examples/sage300).
# Prove from the host itself that the Sage 300 agent serves the imported
# certificate, once it has restarted. A failed handshake is reported in
# reachable and error, so the check warns instead of failing the run.
data "windows_tls_endpoint" "agent" {
  port        = 4207
  server_name = "sage300.example.local"

  depends_on = [windows_service_restart.agent]
}

check "agent_serves_the_imported_certificate" {
  assert {
    condition     = data.windows_tls_endpoint.agent.thumbprint == windows_pfx_certificate.sage300.thumbprint
    error_message = "Port 4207 serves ${coalesce(data.windows_tls_endpoint.agent.thumbprint, "nothing")}: ${coalesce(data.windows_tls_endpoint.agent.error, "not the imported certificate")}."
  }
  assert {
    condition     = contains(["TLS 1.2", "TLS 1.3"], coalesce(data.windows_tls_endpoint.agent.protocol, "none"))
    error_message = "Port 4207 negotiated ${coalesce(data.windows_tls_endpoint.agent.protocol, "nothing")}, not TLS 1.2 or later."
  }
}

output "served_thumbprint" {
  value = data.windows_tls_endpoint.agent.thumbprint
}
