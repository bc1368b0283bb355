# STORE/THUMBPRINT. The thumbprint may be pasted from the certificate MMC as it
# is: spaces, case and the invisible U+200E in front do not matter.
terraform import windows_certificate.bpa_trusts_sage300 Root/0123456789ABCDEF0123456789ABCDEF01234567
