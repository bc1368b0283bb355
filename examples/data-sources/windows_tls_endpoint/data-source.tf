# Prove from the host itself that the Sage 300 agent serves the imported
# certificate. In the configuration that restarts the agent (the Sage 300
# procedure, examples/modules/sage300-https), compare with
# windows_pfx_certificate.sage300.thumbprint and add
# depends_on = [windows_service_restart.agent], so that the handshake is made
# after the restart. A failed handshake is reported in reachable and error,
# so the check warns instead of failing the run.
variable "expected_thumbprint" {
  description = "Thumbprint of the certificate the agent must serve."
  type        = string
}

data "windows_tls_endpoint" "agent" {
  port        = 4207
  server_name = "sage300.example.local"
}

check "agent_serves_the_imported_certificate" {
  assert {
    condition     = data.windows_tls_endpoint.agent.thumbprint == var.expected_thumbprint
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
