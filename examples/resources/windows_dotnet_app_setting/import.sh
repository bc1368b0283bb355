# PATH|KEY. The value found at import becomes original_value, which destroy restores.
terraform import windows_dotnet_app_setting.service_uri 'C:\Program Files (x86)\Sage 300 Connector Agent\Sage300IntegrationService.exe.config|ServiceUri'
