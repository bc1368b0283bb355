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
