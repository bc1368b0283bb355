terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = {
      source = "seed-1120c41c/windows"
    }
  }
}

variable "winrm_ca_pem" {
  description = "PEM of the CA that issued the WinRM HTTPS listener's certificate."
  type        = string
  default     = null
}

variable "winrm_password" {
  description = "Password of the WinRM account (TF_VAR_winrm_password)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

# A Windows Server with WinRM at its defaults: HTTP on 5985, Negotiate, no
# unencrypted traffic. NTLM encrypts every message, so nothing on the host has
# to be weakened.
provider "windows" {
  host     = "sage300.example.local"
  auth     = "ntlm"
  username = "EXAMPLE\\terraform"
  password = var.winrm_password
}

# The same host over HTTPS (5986), trusting the listener's certificate
# through the CA that issued it.
provider "windows" {
  alias    = "https"
  host     = "sage300.example.local"
  port     = 5986
  https    = true
  ca_cert  = var.winrm_ca_pem
  auth     = "basic"
  username = "terraform"
  password = var.winrm_password
}
