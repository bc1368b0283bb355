output "thumbprint" {
  description = "Thumbprint of the certificate NetPOS.Net serves (installed beforehand, or imported from the PFX)."
  value       = local.certificate.thumbprint
}

output "served_thumbprint" {
  description = "Thumbprint of the certificate NetPOS.Net's port served to a TLS handshake made from the host (null when the handshake failed)."
  value       = data.windows_tls_endpoint.netpos.thumbprint
}

output "service" {
  description = "NetPOS.Net's status after the restart, and the URI the touch terminals use."
  value = {
    status = windows_service_restart.netpos.status
    uri    = windows_dotnet_app_setting.service_uri.value
  }
}
