package provider

import (
	"context"
	"encoding/asn1"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// pbes2MinBuild is the first Windows build that imports a PFX encrypted
// with PBES2 (AES-256, the default of OpenSSL 3 and of Windows' own
// AES256-SHA256 export): Windows 10 1709 (build 16299). Microsoft documents
// PKCS12_PBES2_EXPORT_PARAMS, the PBES2 form of a PFX, for "Windows 10 1709"
// and "Windows Server 2019" at the earliest (learn.microsoft.com, wincrypt.h
// "PKCS12_PBES2_EXPORT_PARAMS structure", Requirements); the first server
// build that has it is Windows Server version 1709 (16299), the first LTSC
// one Windows Server 2019 (17763). Older builds, Windows Server 2016
// (14393) included, refuse such a PFX with "The specified network password
// is not correct." (0x80070056) whatever the password (CertificateDsc
// #153, ansible.windows #582). The simulator draws the same line
// (internal/winsim/agenthost/SimCertificateStores.cs).
const pbes2MinBuild = 16299

// PKCS #12 and PKCS #5 object identifiers (RFC 7292, RFC 8018).
var (
	oidPKCS7Data          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidPKCS7EncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidShroudedKeyBag     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidPBES2              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
)

type pfxPDU struct {
	Version  int
	AuthSafe pfxContentInfo
	MacData  asn1.RawValue `asn1:"optional"`
}

type pfxContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type pfxEncryptedData struct {
	Version              int
	EncryptedContentInfo struct {
		ContentType                asn1.ObjectIdentifier
		ContentEncryptionAlgorithm pfxAlgorithm
		EncryptedContent           asn1.RawValue `asn1:"tag:0,optional"`
	}
}

type pfxAlgorithm struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type pfxSafeBag struct {
	BagID      asn1.ObjectIdentifier
	BagValue   asn1.RawValue `asn1:"tag:0,explicit"`
	Attributes asn1.RawValue `asn1:"optional"`
}

// pfxUsesPBES2 reports whether a PKCS #12 file encrypts any of its contents
// (an encrypted safe, or a shrouded private key in a plain safe) with PBES2.
// Both sit outside the encryption, so no password is needed. A file that is
// not PKCS #12 reports false: the other plan checks say what is wrong with
// it.
func pfxUsesPBES2(data []byte) bool {
	var pfx pfxPDU
	if _, err := asn1.Unmarshal(data, &pfx); err != nil || !pfx.AuthSafe.ContentType.Equal(oidPKCS7Data) {
		return false
	}
	var authSafe []byte
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &authSafe); err != nil {
		return false
	}
	var safes []pfxContentInfo
	if _, err := asn1.Unmarshal(authSafe, &safes); err != nil {
		return false
	}
	for _, safe := range safes {
		switch {
		case safe.ContentType.Equal(oidPKCS7EncryptedData):
			var encrypted pfxEncryptedData
			if _, err := asn1.Unmarshal(safe.Content.Bytes, &encrypted); err == nil &&
				encrypted.EncryptedContentInfo.ContentEncryptionAlgorithm.Algorithm.Equal(oidPBES2) {
				return true
			}
		case safe.ContentType.Equal(oidPKCS7Data):
			var contents []byte
			var bags []pfxSafeBag
			if _, err := asn1.Unmarshal(safe.Content.Bytes, &contents); err != nil {
				continue
			}
			if _, err := asn1.Unmarshal(contents, &bags); err != nil {
				continue
			}
			for _, bag := range bags {
				if !bag.BagID.Equal(oidShroudedKeyBag) {
					continue
				}
				var shrouded struct {
					Algorithm     pfxAlgorithm
					EncryptedData []byte
				}
				if _, err := asn1.Unmarshal(bag.BagValue.Bytes, &shrouded); err == nil && shrouded.Algorithm.Algorithm.Equal(oidPBES2) {
					return true
				}
			}
		}
	}
	return false
}

// checkPFXEncryptionForHost refuses, at plan, a PFX encrypted with PBES2
// (usesPBES2: pfxUsesPBES2 of content_base64, or the host's inspection of
// a remote_path file) for a host whose Windows cannot import it (before
// pbes2MinBuild), which would otherwise fail at apply with a misleading
// "wrong password". The host's version comes from the host itself; a host
// whose version is not known (not configured yet, or a version string
// without a build) is not refused. The error goes on source, the
// attribute that names the PFX.
func checkPFXEncryptionForHost(ctx context.Context, host *windows.Host, usesPBES2 bool, source path.Path, diags *diag.Diagnostics) {
	if host == nil || !usesPBES2 {
		return
	}
	info, err := host.Info(ctx)
	if err != nil {
		addHostError(diags, "Cannot read the host's Windows version", err)
		return
	}
	build := windowsBuild(info.OSVersion)
	if build == 0 || build >= pbes2MinBuild {
		return
	}
	diags.AddAttributeError(source, "This host cannot import an AES-256 (PBES2) PFX",
		fmt.Sprintf("The PFX is encrypted with PBES2 (AES-256), the default of OpenSSL 3 and of Windows' AES256-SHA256 export. "+
			"%s (%s, build %d) cannot import it: Windows imports PBES2 PFX files from Windows 10 1709 / Windows Server 2019 "+
			"(build %d) on, and older builds refuse them with \"The specified network password is not correct.\" whatever the password. "+
			"Export the PFX again with TripleDES-SHA1 encryption, which every Windows imports:\n"+
			"  openssl pkcs12 -export -legacy -in cert.pem -inkey key.pem -out host.pfx\n"+
			"  (or convert this one: openssl pkcs12 -in host.pfx -nodes -out all.pem, then openssl pkcs12 -export -legacy -in all.pem -out host-legacy.pfx;\n"+
			"  without the legacy provider: -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 instead of -legacy)\n"+
			"  Export-PfxCertificate -Cert Cert:\\LocalMachine\\My\\<thumbprint> -FilePath host.pfx -Password $pw -CryptoAlgorithmOption TripleDES_SHA1\n"+
			"  or, in the certificate MMC's Export wizard, Encryption: TripleDES-SHA1.",
			info.OSCaption, info.OSVersion, build, pbes2MinBuild))
}
