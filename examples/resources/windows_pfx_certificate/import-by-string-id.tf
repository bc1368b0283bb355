import {
  to = windows_pfx_certificate.sage300
  id = "My/0123456789ABCDEF0123456789ABCDEF01234567"
}
