# The connector agents are .NET Framework services (32-bit, under Program
# Files (x86)): let them use the TLS versions SChannel has on. A running
# service reads the setting when it starts, so the restart is triggered by it.
resource "windows_dotnet_strong_crypto" "this" {
  enabled = true
}

resource "windows_service_restart" "agent" {
  service_name = "Sage300IntegrationService"
  triggers = {
    strong_crypto = windows_dotnet_strong_crypto.this.enabled
  }
}
