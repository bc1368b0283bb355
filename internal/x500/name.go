// Package x500 prints X.500 distinguished names as Windows shows them
// (.NET's X500DistinguishedName.Name), so the provider's plan-time facts and
// the simulated host's answers are the same text as a real host's.
package x500

import (
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// rdnShortNames are the attribute keys Windows prints in distinguished names
// (CertNameToStr with CERT_X500_NAME_STR: the X.500 keys of crypt32's
// CRYPT_RDN_ATTR_OID_GROUP_ID table, as CertStrToName documents them).
// Windows prints a state or province as "S=", where Go's pkix.Name says
// "ST=". Other attribute types print as OID.<dotted OID>.
var rdnShortNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.4":                    "SN",
	"2.5.4.5":                    "SERIALNUMBER",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "S",
	"2.5.4.9":                    "STREET",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.12":                   "T",
	"2.5.4.13":                   "Description",
	"2.5.4.17":                   "PostalCode",
	"2.5.4.18":                   "POBox",
	"2.5.4.20":                   "Phone",
	"2.5.4.24":                   "X21Address",
	"2.5.4.42":                   "G",
	"2.5.4.43":                   "I",
	"2.5.4.46":                   "dnQualifier",
	"1.2.840.113549.1.9.1":       "E",
	"0.9.2342.19200300.100.1.25": "DC",
}

// rawRDN is one attribute of a name with its value kept encoded, so that its
// string type decides how it is decoded.
type rawRDN struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

// rawRDNSET is one RDN; encoding/asn1 reads a slice type named *SET as a SET.
type rawRDNSET []rawRDN

// Format prints a DER-encoded X.500 name as .NET's
// X500DistinguishedName.Name does on Windows (CertNameToStr with
// CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG): the most specific RDN
// first, RDNs separated by ", ", the values of a multi-valued RDN by " + ",
// and a value in double quotes (inner quotes doubled) when it has a special
// character or leading or trailing white space.
func Format(raw []byte) (string, error) {
	var rdns []rawRDNSET
	rest, err := asn1.Unmarshal(raw, &rdns)
	if err != nil {
		return "", fmt.Errorf("parse distinguished name: %w", err)
	}
	if len(rest) != 0 {
		return "", fmt.Errorf("parse distinguished name: %d bytes after the name", len(rest))
	}
	parts := make([]string, 0, len(rdns))
	for i := len(rdns) - 1; i >= 0; i-- {
		values := make([]string, 0, len(rdns[i]))
		for _, atv := range rdns[i] {
			values = append(values, rdnKey(atv.Type)+"="+rdnValue(atv.Value))
		}
		parts = append(parts, strings.Join(values, " + "))
	}
	return strings.Join(parts, ", "), nil
}

func rdnKey(oid asn1.ObjectIdentifier) string {
	if name, ok := rdnShortNames[oid.String()]; ok {
		return name
	}
	return "OID." + oid.String()
}

// rdnValue decodes a directory string and quotes it; any other type prints
// as "#" and the hex of its encoding, as CertNameToStr prints encoded blobs.
func rdnValue(v asn1.RawValue) string {
	if v.Class != asn1.ClassUniversal {
		return "#" + strings.ToUpper(hex.EncodeToString(v.FullBytes))
	}
	switch v.Tag {
	case asn1.TagUTF8String, asn1.TagPrintableString, asn1.TagIA5String, asn1.TagNumericString,
		asn1.TagT61String, tagVideotexString, tagGraphicString, tagVisibleString, asn1.TagGeneralString:
		return quoteRDNValue(decode8BitString(v.Bytes))
	case asn1.TagBMPString:
		return quoteRDNValue(decodeUTF16BE(v.Bytes))
	case tagUniversalString:
		return quoteRDNValue(decodeUTF32BE(v.Bytes))
	default:
		return "#" + strings.ToUpper(hex.EncodeToString(v.FullBytes))
	}
}

// ASN.1 universal tags encoding/asn1 has no names for (X.680 8.4).
const (
	tagVideotexString  = 21
	tagGraphicString   = 25
	tagVisibleString   = 26
	tagUniversalString = 28
)

// decode8BitString reads UTF-8, or Latin-1 where the bytes are not UTF-8
// (CertNameToStr tries T61String values as UTF-8 first).
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

// quoteRDNValue quotes as CertNameToStr does: when the value is empty, starts
// or ends with white space, or holds one of , + = " \n < > # ; (the
// characters CertStrToName treats as special).
func quoteRDNValue(v string) string {
	needsQuotes := v == "" || strings.ContainsAny(v, ",+=\"\n<>#;") ||
		strings.TrimLeftFunc(v, unicode.IsSpace) != v || strings.TrimRightFunc(v, unicode.IsSpace) != v
	if !needsQuotes {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}
