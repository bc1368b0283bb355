package model

import (
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A distinguished name as encoded (RFC 5280 4.1.2.4), with each value kept
// raw so its string type decides how it prints.
type (
	attributeTypeAndValue struct {
		Type  asn1.ObjectIdentifier
		Value asn1.RawValue
	}
	relativeDistinguishedNameSET []attributeTypeAndValue
	rdnSequence                  []relativeDistinguishedNameSET
)

// x500Keys are the CertNameToStr CERT_X500_NAME_STR key names of RDN
// attribute OIDs (the CRYPT_RDN_ATTR_OID_GROUP_ID entries of crypt32's OID
// table; first name per OID, as CryptFindOIDInfo returns it). Windows shows
// a state or province as "S=" (e.g. "L=Kent, S=Leeds, C=GB" in
// puppetlabs-sslcertificate #116) where Go's pkix.Name.String says "ST=".
var x500Keys = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.7":                    "L",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"1.2.840.113549.1.9.1":       "E",
	"2.5.4.6":                    "C",
	"2.5.4.8":                    "S",
	"2.5.4.9":                    "STREET",
	"2.5.4.12":                   "T",
	"2.5.4.42":                   "G",
	"2.5.4.43":                   "I",
	"2.5.4.4":                    "SN",
	"0.9.2342.19200300.100.1.25": "DC",
	"2.5.4.13":                   "Description",
	"2.5.4.17":                   "PostalCode",
	"2.5.4.18":                   "POBox",
	"2.5.4.20":                   "Phone",
	"2.5.4.24":                   "X21Address",
	"2.5.4.46":                   "dnQualifier",
	"2.5.4.5":                    "SERIALNUMBER",
}

// formatDistinguishedName prints an encoded name as .NET's
// X500DistinguishedName.Name does: Decode(X500DistinguishedNameFlags.
// Reversed), i.e. CertNameToStr(CERT_X500_NAME_STR |
// CERT_NAME_STR_REVERSE_FLAG) ("CertNameToStrW function", learn.microsoft.com):
// the last RDN first, RDNs separated by ", ", the attributes of one RDN by
// " + ", OIDs without an X.500 key as "OID.1.2.3", and values quoted as
// described there. It returns "" for bytes that are not a name.
func formatDistinguishedName(raw []byte) string {
	var seq rdnSequence
	if rest, err := asn1.Unmarshal(raw, &seq); err != nil || len(rest) > 0 {
		return ""
	}
	rdns := make([]string, 0, len(seq))
	for i := len(seq) - 1; i >= 0; i-- {
		attrs := make([]string, 0, len(seq[i]))
		for _, atv := range seq[i] {
			attrs = append(attrs, x500Key(atv.Type)+"="+rdnValueString(atv.Value))
		}
		rdns = append(rdns, strings.Join(attrs, " + "))
	}
	return strings.Join(rdns, ", ")
}

func x500Key(oid asn1.ObjectIdentifier) string {
	if key, ok := x500Keys[oid.String()]; ok {
		return key
	}
	return "OID." + oid.String()
}

// rdnValueString decodes a value of one of the directory string types and
// quotes it; other types print as "#" and the hex of their encoding
// (CertNameToStr formats CERT_RDN_ENCODED_BLOB and OCTET_STRING values in
// hexadecimal).
func rdnValueString(v asn1.RawValue) string {
	if v.Class != asn1.ClassUniversal {
		return "#" + strings.ToUpper(hex.EncodeToString(v.FullBytes))
	}
	switch v.Tag {
	case asn1.TagUTF8String, asn1.TagPrintableString, asn1.TagIA5String, asn1.TagNumericString,
		asn1.TagT61String, 21 /* VideotexString */, 25 /* GraphicString */, 26 /* VisibleString */, asn1.TagGeneralString:
		return quoteRDNValue(decode8BitString(v.Bytes))
	case asn1.TagBMPString:
		return quoteRDNValue(decodeUTF16BE(v.Bytes))
	case 28: // UniversalString, UCS-4 big-endian
		return quoteRDNValue(decodeUTF32BE(v.Bytes))
	default:
		return "#" + strings.ToUpper(hex.EncodeToString(v.FullBytes))
	}
}

// decode8BitString reads UTF-8, or Latin-1 where the bytes are not UTF-8
// (T61String values are tried as UTF-8 first, as CertNameToStr does unless
// CERT_NAME_STR_DISABLE_IE4_UTF8_FLAG is set).
func decode8BitString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	runes := make([]rune, len(b))
	for i, c := range b {
		runes[i] = rune(c)
	}
	return string(runes)
}

func decodeUTF16BE(b []byte) string {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		units = append(units, binary.BigEndian.Uint16(b[i:]))
	}
	return string(utf16.Decode(units))
}

func decodeUTF32BE(b []byte) string {
	runes := make([]rune, 0, len(b)/4)
	for i := 0; i+3 < len(b); i += 4 {
		runes = append(runes, rune(binary.BigEndian.Uint32(b[i:])))
	}
	return string(runes)
}

// quoteRDNValue quotes a value as CertNameToStr does: in double quotes if it
// is empty, starts or ends with white space, or holds one of , + = " \n < > #
// ; and with embedded double quotes doubled.
func quoteRDNValue(s string) string {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	needsQuotes := s == "" || strings.ContainsAny(s, ",+=\"\n<>#;") || unicode.IsSpace(first) || unicode.IsSpace(last)
	if !needsQuotes {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
