import {
  to = windows_schannel_protocol.server["TLS 1.2"]
  id = "TLS 1.2/server"
}
