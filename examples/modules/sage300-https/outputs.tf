output "thumbprint" {
  description = "Thumbprint of the Sage 300 server certificate."
  value       = local.certificate.thumbprint
}

output "agent_url" {
  description = "The Agent's ServiceUri (step 5): https://FQDN:port, with the fqdn the certificate covers."
  value       = windows_dotnet_app_setting.service_uri.value
}

output "not_after" {
  description = "Renew the certificate before this date."
  value       = local.certificate.not_after
}

output "served_thumbprint" {
  description = "Thumbprint of the certificate the Agent's port served to a TLS handshake made from the Sage 300 server (null when the handshake failed)."
  value       = data.windows_tls_endpoint.agent.thumbprint
}

output "served_protocol" {
  description = "The TLS version that handshake negotiated."
  value       = data.windows_tls_endpoint.agent.protocol
}
