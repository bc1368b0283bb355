variable "fqdn" {
  description = "The name the connector's clients (BPA Platform) use to reach this server, as in https://FQDN:4106/. The certificate must cover it (a wildcard covers one label), or the plan fails; the HttpsServiceUri and the check use it."
  type        = string
}

variable "pfx_path" {
  description = "Path, on the machine running Terraform, of the trusted certificate's .pfx, which the module imports (and removes on destroy). Null (the default): use a certificate already installed in LocalMachine\\My, by certificate_thumbprint, else the one that covers fqdn."
  type        = string
  default     = null

  validation {
    condition     = var.pfx_path == null ? true : trimspace(var.pfx_path) != ""
    error_message = "pfx_path is empty: give the path of the .pfx, or leave pfx_path unset (null) to use a certificate already installed."
  }
}

variable "pfx_password" {
  description = "The PFX password. Never stored in the state or plan."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "certificate_thumbprint" {
  description = "Thumbprint of a certificate already installed in LocalMachine\\My (a shared wildcard, one the customer's CA enrolled) to use instead of a PFX. The module only reads it: destroy never removes it."
  type        = string
  default     = null
}

variable "pfx_password_version" {
  description = "Raise it when pfx_password changes for the same PFX, so that the certificate is imported again with it."
  type        = number
  default     = 1
}

variable "port" {
  description = "TCP port of the Sage 50 Accounts Integration Agent."
  type        = number
  default     = 4106
}

variable "config_path" {
  description = "The Integration Service's .exe.config."
  type        = string
  default     = "C:\\Program Files (x86)\\Codeless Platforms\\Sage 50 Accounts Connector Toolpack\\Integration Service\\Sage 50 Accounts Integration Service.exe.config"
}

variable "service_name" {
  description = "Service name of the Sage 50 Accounts Integration service."
  type        = string
  default     = "Sage50AccountsIntegrationService"
}

variable "disable_legacy_tls" {
  description = "Have HTTP.sys refuse TLS 1.0 and 1.1 on the port (the binding's disable_legacy_tls). Needs Windows Server 2019 with KB4490481 or later (older hosts fail the apply, naming their version); the SChannel settings turn them off host-wide in any case."
  type        = bool
  default     = false
}

variable "schannel_disable_tls10_tls11" {
  description = "Also turn TLS 1.0 and 1.1 off in SChannel, server and client side. The procedure asks only for TLS 1.2, which the module always turns on. This reaches the whole host, not only the Integration Agent: every service the host serves (RDP, IIS, SQL Server, other agents) and every connection it makes stops offering TLS 1.0 and 1.1 after the next reboot, and clients or servers that speak nothing newer (old SQL Server drivers, old Windows, embedded devices) can no longer connect. Destroy, or setting it back to false, restores the values found before (again after a reboot)."
  type        = bool
  default     = false
}

variable "min_days_left" {
  description = "Days an installed certificate (found by name or by certificate_thumbprint) must have left: one with fewer fails the plan, naming its thumbprint, subject and expiry, until the renewed certificate is installed on the host. 0 (the default) adds no check to the module's own (a certificate found by name must be valid now, one given by thumbprint must not have expired); set it below the days before expiry at which the renewal tool renews (ACME clients: about 30 days before; 20 then leaves ten days) to hear, from a scheduled terraform plan, of a renewal that did not happen. A PFX (pfx_path) is not checked."
  type        = number
  default     = 0

  validation {
    condition     = var.min_days_left >= 0 && floor(var.min_days_left) == var.min_days_left
    error_message = "min_days_left is a whole number of days, 0 or more."
  }
}
