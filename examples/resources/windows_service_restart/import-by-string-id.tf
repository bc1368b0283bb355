import {
  to = windows_service_restart.agent
  id = "Sage300IntegrationService"
}
