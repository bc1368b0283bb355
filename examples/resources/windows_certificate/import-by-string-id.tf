import {
  provider = windows.bpa
  to       = windows_certificate.bpa_trusts_sage300
  id       = "Root/0123456789ABCDEF0123456789ABCDEF01234567"
}
