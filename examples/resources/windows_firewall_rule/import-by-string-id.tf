import {
  to = windows_firewall_rule.agent
  id = "Sage 300 Connector Agent (HTTPS-In)"
}
