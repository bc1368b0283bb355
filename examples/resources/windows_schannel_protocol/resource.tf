# Sage 50 Accounts Connector prerequisite: TLS 1.2 on, TLS 1.0 and 1.1 off,
# for the host's services (server) and for its own outgoing connections
# (client). SChannel reads these keys at boot: reboot when reboot_required.
locals {
  schannel = {
    "TLS 1.2" = true
    "TLS 1.1" = false
    "TLS 1.0" = false
  }
}

resource "windows_schannel_protocol" "server" {
  for_each = local.schannel
  protocol = each.key
  side     = "server"
  enabled  = each.value
}

resource "windows_schannel_protocol" "client" {
  for_each = local.schannel
  protocol = each.key
  side     = "client"
  enabled  = each.value
}

output "reboot_required" {
  value = anytrue([for p in merge(windows_schannel_protocol.server, windows_schannel_protocol.client) : p.reboot_required])
}
