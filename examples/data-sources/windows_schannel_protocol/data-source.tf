# Is TLS 1.2 on for the host's services (the server side)?
data "windows_schannel_protocol" "tls12_server" {
  protocol = "TLS 1.2"
  side     = "server"
}

output "tls12_server" {
  value = {
    # What a windows_schannel_protocol would have to say to match the host
    # (null: the key sets nothing, the Windows default applies) ...
    configured = data.windows_schannel_protocol.tls12_server.enabled
    # ... and what SChannel does, the Windows default included.
    effective = data.windows_schannel_protocol.tls12_server.effective_enabled
  }
}

# Every protocol and side at once.
data "windows_schannel_protocol" "all" {
  for_each = toset(flatten([
    for p in ["SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"] : ["${p}/server", "${p}/client"]
  ]))
  protocol = split("/", each.key)[0]
  side     = split("/", each.key)[1]
}

output "schannel" {
  value = { for k, d in data.windows_schannel_protocol.all : k => d.effective_enabled }
}
