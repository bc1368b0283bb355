import {
  to = windows_dotnet_app_setting.service_uri
  id = "C:\\Program Files (x86)\\Sage 300 Connector Agent\\Sage300IntegrationService.exe.config|ServiceUri"
}
