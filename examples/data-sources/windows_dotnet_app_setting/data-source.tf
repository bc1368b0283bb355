# The Sage 50 Integration Service's HTTPS address, read from its .exe.config.
data "windows_dotnet_app_setting" "https_service_uri" {
  config_path = "C:\\Program Files (x86)\\Codeless Platforms\\Sage 50 Accounts Connector Toolpack\\Integration Service\\Sage 50 Accounts Integration Service.exe.config"
  key         = "HttpsServiceUri"
}

output "https_service_uri" {
  # value is sensitive (app settings often hold secrets): say so to show it.
  value     = data.windows_dotnet_app_setting.https_service_uri.value
  sensitive = true
}

# The keys the file has, when the one asked for is missing.
output "keys" {
  value = data.windows_dotnet_app_setting.https_service_uri.exists ? [] : data.windows_dotnet_app_setting.https_service_uri.keys
}
