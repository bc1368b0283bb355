# By the rule's name (Get-NetFirewallRule | Select-Object DisplayName).
terraform import windows_firewall_rule.agent "Sage 300 Connector Agent (HTTPS-In)"
