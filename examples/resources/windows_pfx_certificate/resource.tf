# certutil -p PFXPassword -importPFX SAGE300.pfx, as a reviewed plan: the
# thumbprint, subject and expiry show in `terraform plan`, and a wrong
# password, a PFX without its private key or an expired certificate fail the
# plan instead of the maintenance window.
variable "pfx_path" {
  description = "Path of the .pfx file on the machine running Terraform."
  type        = string
}

variable "pfx_password" {
  type      = string
  sensitive = true
  ephemeral = true # TF_VAR_pfx_password; never in the plan or state
}

resource "windows_pfx_certificate" "sage300" {
  content_base64      = filebase64(var.pfx_path)
  password_wo         = var.pfx_password
  password_wo_version = 1
  store_name          = "My"
  import_chain        = true # issuing CA into CA, self-signed root into Root

  lifecycle {
    # Renewal: import the new certificate and move bindings to it before the
    # old one is removed.
    create_before_destroy = true

    # Checked at plan time: the PFX is read before apply.
    postcondition {
      condition     = contains(self.enhanced_key_usages, "1.3.6.1.5.5.7.3.2")
      error_message = "The certificate must include Client Authentication."
    }
  }
}

# A PFX already on the host: its facts are known after apply.
resource "windows_pfx_certificate" "netpos" {
  remote_path         = "C:\\certs\\netpos.pfx"
  password_wo         = var.pfx_password
  password_wo_version = 1 # change to import the file again
}

output "thumbprint" {
  value = windows_pfx_certificate.sage300.thumbprint
}
