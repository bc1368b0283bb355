# Step 5 of the Sage 300 procedure: point the agent at HTTPS, then restart it.
resource "windows_dotnet_app_setting" "service_uri" {
  config_path = "C:\\Program Files (x86)\\Sage 300 Connector Agent\\Sage300IntegrationService.exe.config"
  key         = "ServiceUri"
  value       = "https://sage300.example.local:4207"
}

resource "windows_http_urlacl" "agent" {
  url  = "https://+:4207/"
  user = "Everyone"
}

resource "windows_http_sslcert_binding" "agent" {
  ipport           = "0.0.0.0:4207"
  certificate_hash = "0123456789ABCDEF0123456789ABCDEF01234567"
  app_id           = "{a86ad080-2ec6-44fb-82e4-bb1e409ab93c}"
}

# Restart the agent once its URI, reservation and certificate binding are in
# place, and again whenever one of them changes.
resource "windows_service_restart" "agent" {
  service_name = "Sage300IntegrationService"
  timeout      = "2m"
  triggers = {
    thumbprint = windows_http_sslcert_binding.agent.certificate_hash
    uri        = windows_dotnet_app_setting.service_uri.value
    urlacl     = windows_http_urlacl.agent.id
  }
}
