# Sage 300 Connector Agent, seed step 5: point the agent at HTTPS.
resource "windows_dotnet_app_setting" "service_uri" {
  config_path = "C:\\Program Files (x86)\\Sage 300 Connector Agent\\Sage300IntegrationService.exe.config"
  key         = "ServiceUri"
  value       = "https://sage300.example.local:4207"
}
