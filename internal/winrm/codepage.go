package winrm

import (
	"bytes"
	"strconv"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// codePageMarker starts the first line the bootstrap and the worker write:
// the code page of their output streams ([Console]::OutputEncoding), which
// powershell.exe uses for stderr, on non-English Windows the OEM code page
// (CP850 on a German host) whatever code page the shell asked for.
const codePageMarker = "##tfwin-codepage## "

// cutCodePage removes the code page line from the start of stdout and
// returns the code page, or 0 while it has not arrived (or stdout does not
// start with it).
func cutCodePage(stdout []byte) ([]byte, int) {
	if !bytes.HasPrefix(stdout, []byte(codePageMarker)) {
		return stdout, 0
	}
	line, rest, ok := bytes.Cut(stdout, []byte("\n"))
	if !ok {
		return stdout, 0
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(line[len(codePageMarker):])))
	if err != nil || n <= 0 {
		return rest, 0
	}
	return rest, n
}

// codePages are the code pages Windows uses for console streams: the OEM
// code pages of its locales, the ANSI ones, and the East Asian double-byte
// ones.
var codePages = map[int]encoding.Encoding{
	437: charmap.CodePage437, 850: charmap.CodePage850, 852: charmap.CodePage852, 855: charmap.CodePage855,
	858: charmap.CodePage858, 860: charmap.CodePage860, 862: charmap.CodePage862, 863: charmap.CodePage863,
	865: charmap.CodePage865, 866: charmap.CodePage866, 874: charmap.Windows874,
	1250: charmap.Windows1250, 1251: charmap.Windows1251, 1252: charmap.Windows1252, 1253: charmap.Windows1253,
	1254: charmap.Windows1254, 1255: charmap.Windows1255, 1256: charmap.Windows1256, 1257: charmap.Windows1257,
	1258: charmap.Windows1258,
	932:  japanese.ShiftJIS, 936: simplifiedchinese.GBK, 949: korean.EUCKR, 950: traditionalchinese.Big5,
}

// decodeStderr turns stderr written in codePage into text (see
// DecodeCLIXML); an unknown code page (0: not said) falls back to
// DecodeCLIXML's guess.
func decodeStderr(stderr []byte, codePage int) []byte {
	if enc, ok := codePages[codePage]; ok {
		if text, err := enc.NewDecoder().Bytes(stderr); err == nil {
			stderr = text
		}
	}
	return DecodeCLIXML(stderr)
}
