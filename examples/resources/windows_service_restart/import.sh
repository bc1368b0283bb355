# By service name; nothing is restarted.
terraform import windows_service_restart.agent Sage300IntegrationService
