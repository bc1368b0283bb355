# Open the Sage 300 Connector Agent's HTTPS port to the BPA Platform machine:
# New-NetFirewallRule -DisplayName "Sage 300 Connector Agent (HTTPS-In)"
#   -Direction Inbound -Protocol TCP -LocalPort 4207 -Action Allow
#   -Profile Domain,Private
resource "windows_firewall_rule" "agent" {
  name        = "Sage 300 Connector Agent (HTTPS-In)"
  description = "Sage 300 Connector Agent over HTTPS, for BPA Platform."
  local_ports = [4207]
  profiles    = ["Domain", "Private"]
}
