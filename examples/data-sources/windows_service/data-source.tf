data "windows_service" "agent" {
  name = "Sage300IntegrationService"
}

output "agent_status" {
  value = data.windows_service.agent.status
}
