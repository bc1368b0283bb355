# PROTOCOL/SIDE. The values found at import are what destroy restores.
terraform import 'windows_schannel_protocol.server["TLS 1.2"]' 'TLS 1.2/server'
