# The end of the Sage 300 server procedure (in full in examples/sage300):
# the certificate imported, bound to the agent's port, the agent restarted.
variable "pfx_path" {
  description = "Path of the .pfx file on the machine running Terraform."
  type        = string
}

variable "pfx_password" {
  type      = string
  sensitive = true
  ephemeral = true # TF_VAR_pfx_password; never in the plan or state
}

resource "windows_pfx_certificate" "sage300" {
  content_base64 = filebase64(var.pfx_path)
  password_wo    = var.pfx_password
}

resource "windows_http_sslcert_binding" "agent" {
  ipport           = "0.0.0.0:4207"
  certificate_hash = windows_pfx_certificate.sage300.thumbprint
  app_id           = "{a86ad080-2ec6-44fb-82e4-bb1e409ab93c}"
}

resource "windows_service_restart" "agent" {
  service_name = "Sage300IntegrationService"
  triggers = {
    thumbprint = windows_http_sslcert_binding.agent.certificate_hash
  }
}

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

# The same handshake from a client machine (a second provider block): its
# DNS, the server's firewall and its trust in the certificate, as the
# client's applications meet them. The postcondition fails the apply.
provider "windows" {
  alias = "client"
  host  = "bpa01.example.local"
}

data "windows_tls_endpoint" "agent_from_client" {
  provider    = windows.client
  address     = "sage300.example.local"
  port        = 4207
  server_name = "sage300.example.local"

  depends_on = [windows_service_restart.agent]

  lifecycle {
    postcondition {
      condition     = self.reachable && self.chain_trusted && self.thumbprint == windows_pfx_certificate.sage300.thumbprint
      error_message = "From the client, sage300.example.local:4207: ${coalesce(self.error, self.chain_status, "serves ${coalesce(self.thumbprint, "nothing")}")}."
    }
  }
}

output "served_thumbprint" {
  value = data.windows_tls_endpoint.agent.thumbprint
}
