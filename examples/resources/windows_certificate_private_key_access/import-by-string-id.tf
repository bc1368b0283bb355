import {
  to = windows_certificate_private_key_access.agent_service
  id = "My/0123456789ABCDEF0123456789ABCDEF01234567/S-1-5-20"
}
