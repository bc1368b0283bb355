# Step 5 of the Sage 300 procedure: point the Connector Agent at HTTPS.
resource "windows_dotnet_app_setting" "service_uri" {
  config_path = "C:\\Program Files (x86)\\Sage 300 Connector Agent\\Sage300IntegrationService.exe.config"
  key         = "ServiceUri"
  value       = "https://sage300.example.local:4207"

  # The procedure edits this key: if the file has none, fail the plan
  # (naming the keys it has) instead of adding one the Agent would not read.
  require_existing = true
}
