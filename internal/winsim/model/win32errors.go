package model

import "fmt"

// Win32 error codes the host answers with (PROTOCOL.md section 2).
// Values from "System Error Codes (0-499)" and "System Error Codes
// (1300-1699)", https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes.
const (
	errFileNotFound       = 2    // ERROR_FILE_NOT_FOUND
	errInvalidParameter   = 87   // ERROR_INVALID_PARAMETER
	errAlreadyExists      = 183  // ERROR_ALREADY_EXISTS
	errNoSuchLogonSession = 1312 // ERROR_NO_SUCH_LOGON_SESSION
	errNoneMapped         = 1332 // ERROR_NONE_MAPPED
)

// HRESULTs the certificate ops answer with, as the unsigned 32-bit values
// PROTOCOL.md shows ("COM Error Codes", learn.microsoft.com). They are
// variables converted from uint32 so that the package still compiles where
// int is 32 bits (there they wrap to the signed HRESULT).
var (
	// hresultInvalidPassword is HRESULT_FROM_WIN32(ERROR_INVALID_PASSWORD):
	// PFXImportCertStore and the X509Certificate2 constructor fail with it for
	// a wrong PFX password (certutil -importpfx prints "0x80070056 (WIN32: 86
	// ERROR_INVALID_PASSWORD)"; CertificateDsc #153, Ansible PR #582).
	hresultInvalidPassword = hresult(0x80070056)
	// hresultASN1BadTag is CRYPT_E_ASN1_BADTAG ("ASN.1 Encoding/Decoding
	// Return Values", learn.microsoft.com), what CryptoAPI answers for data
	// that is not the DER it expects (dotnet/aspnetcore #19091,
	// steffengy/schannel-rs #92: PFX loads failing with "ASN1 bad tag value met.").
	hresultASN1BadTag = hresult(0x8009310B)
	// hresultNoMatch is CRYPT_E_NO_MATCH ("Cannot find the requested
	// object."): CryptQueryObject's answer for a blob that is none of the
	// content types asked for. X509Certificate2Collection.Import calls it
	// with certificate, PKCS #7, serialized store and PFX content, in binary
	// or base64 ("CryptQueryObject function", learn.microsoft.com/windows/
	// win32/api/wincrypt/nf-wincrypt-cryptqueryobject; .NET Framework
	// reference source X509Certificate2Collection.LoadStoreFromBlob, and
	// dotnet/runtime StorePal.FromBlobOrFile on Windows), and throws its
	// error as a CryptographicException before PFXImportCertStore runs.
	hresultNoMatch = hresult(0x80092009)
)

func hresult(v uint32) int { return int(v) }

// win32Messages holds FormatMessage's text for each code, per host locale:
// a German Windows answers in German (netsh shows "Fehler: 183"),
// which is why callers must go by the code, never by the text.
var win32Messages = map[string]map[int]string{
	localeEnglish: {
		errFileNotFound:        "The system cannot find the file specified.",
		errInvalidParameter:    "The parameter is incorrect.",
		errAlreadyExists:       "Cannot create a file when that file already exists.",
		errNoSuchLogonSession:  "A specified logon session does not exist. It may already have been terminated.",
		errNoneMapped:          "No mapping between account names and security IDs was done.",
		hresultInvalidPassword: "The specified network password is not correct.",
		hresultASN1BadTag:      "ASN1 bad tag value met.",
		hresultNoMatch:         "Cannot find the requested object.",
	},
	localeGerman: {
		errFileNotFound:       "Das System kann die angegebene Datei nicht finden.",
		errInvalidParameter:   "Falscher Parameter.",
		errAlreadyExists:      "Eine Datei kann nicht erstellt werden, wenn sie bereits vorhanden ist.",
		errNoSuchLogonSession: "Eine angegebene Anmeldesitzung ist nicht vorhanden. Sie wurde gegebenenfalls bereits beendet.",
		errNoneMapped:         "Zuordnungen von Kontennamen und Sicherheitskennungen wurden nicht durchgeführt.",
		// German certutil: "0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)
		// ... Das angegebene Netzwerkkennwort ist falsch." (also the de-de
		// "System Error Codes (0-499)" page for 86). CRYPT_E_ASN1_BADTAG has no
		// German text here: no verified source, so win32Error falls back to
		// the English one rather than inventing a translation.
		hresultInvalidPassword: "Das angegebene Netzwerkkennwort ist falsch.",
	},
}

// win32Error is an op failure with code's FormatMessage text in the host's
// locale, followed by what went wrong (in English, as the op scripts add it).
func (h *Host) win32Error(code int, format string, args ...any) *OpError {
	e := h.systemError(code)
	e.Message += " " + fmt.Sprintf(format, args...)
	return e
}

// systemError is an op failure whose message is exactly code's FormatMessage
// text in the host's locale, as a .NET CryptographicException carries it.
func (h *Host) systemError(code int) *OpError {
	text := win32Messages[h.state.Locale][code]
	if text == "" {
		text = win32Messages[localeEnglish][code]
	}
	return &OpError{Code: code, Message: text}
}

// bareError is an OpError without the locale's text, for validation that runs
// before a host exists (state documents); the host re-wraps it via withLocale.
func bareError(code int, format string, args ...any) *OpError {
	return &OpError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// localize prefixes a bare error's detail with the locale's FormatMessage text.
func (h *Host) localize(e *OpError) *OpError {
	if e == nil {
		return nil
	}
	return h.win32Error(e.Code, "%s", e.Message)
}
