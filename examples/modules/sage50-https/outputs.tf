output "certificate" {
  description = "The certificate the port serves (imported from the PFX, or installed already): renew it before not_after."
  value = {
    thumbprint = local.certificate.thumbprint
    subject    = local.certificate.subject
    not_after  = local.certificate.not_after
  }
}

output "binding" {
  description = "The SSL binding of the Integration Agent's port."
  value       = windows_http_sslcert_binding.integration_agent.id
}

output "service" {
  description = "The Integration Service's status after its restart, and the URI it serves."
  value       = "${windows_service_restart.integration_service.service_name} is ${windows_service_restart.integration_service.status}, serving ${windows_dotnet_app_setting.https_service_uri.value}"
}

output "served_thumbprint" {
  description = "Thumbprint of the certificate the Integration Agent's port served to a TLS handshake made from the host (null when the handshake failed)."
  value       = data.windows_tls_endpoint.integration_agent.thumbprint
}

output "served_protocol" {
  description = "The TLS version that handshake negotiated."
  value       = data.windows_tls_endpoint.integration_agent.protocol
}

output "reboot_required" {
  description = "Whether the SChannel protocol settings wait for a reboot of the host to apply."
  value       = anytrue([for p in merge(windows_schannel_protocol.server, windows_schannel_protocol.client) : p.reboot_required])
}
