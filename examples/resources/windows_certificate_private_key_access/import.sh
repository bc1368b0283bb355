# STORE/THUMBPRINT/ACCOUNT, the account as a SID or a name. The access
# (read or full) is read from the host. An imported entry is Terraform's:
# terraform destroy removes it.
terraform import windows_certificate_private_key_access.agent_service 'My/0123456789ABCDEF0123456789ABCDEF01234567/S-1-5-20'
terraform import windows_certificate_private_key_access.agent_service 'My/0123456789ABCDEF0123456789ABCDEF01234567/NT AUTHORITY\NETWORK SERVICE'
