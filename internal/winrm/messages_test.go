package winrm

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

// commandLine is the part of a Command envelope the host reads.
type commandLine struct {
	Header struct {
		OperationTimeout string `xml:"OperationTimeout"`
		MaxEnvelopeSize  string `xml:"MaxEnvelopeSize"`
		MessageID        string `xml:"MessageID"`
		Options          []struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:",chardata"`
		} `xml:"OptionSet>Option"`
	} `xml:"Header"`
	Body struct {
		Command   string   `xml:"CommandLine>Command"`
		Arguments []string `xml:"CommandLine>Arguments"`
	} `xml:"Body"`
}

func TestCommandEnvelope(t *testing.T) {
	m := newMessages("http://h:5985/wsman", 60*time.Second)
	args := []string{"-c", `a & b <c> "d" ]]> 'e'`, "Größe"}
	var got commandLine
	if err := xml.Unmarshal(m.command("SHELL-1", "powershell.exe", args), &got); err != nil {
		t.Fatalf("Command envelope is not XML: %v", err)
	}
	options := map[string]string{}
	for _, o := range got.Header.Options {
		options[o.Name] = o.Value
	}
	if options["WINRS_CONSOLEMODE_STDIN"] != "FALSE" || options["WINRS_SKIP_CMD_SHELL"] != "TRUE" {
		t.Errorf("options = %v, want pipe mode without cmd.exe", options)
	}
	if got.Body.Command != "powershell.exe" || strings.Join(got.Body.Arguments, "|") != strings.Join(args, "|") {
		t.Errorf("command line = %q %q, want %q", got.Body.Command, got.Body.Arguments, args)
	}
	if got.Header.MaxEnvelopeSize != "153600" || got.Header.OperationTimeout != "PT60S" || !strings.HasPrefix(got.Header.MessageID, "uuid:") {
		t.Errorf("header = %+v", got.Header)
	}
}

func TestSendEnvelopeStaysUnderMaxEnvelopeSize(t *testing.T) {
	m := newMessages("https://a-rather-long-host-name.subdomain.example.com:5986/wsman", time.Minute)
	chunk := bytes.Repeat([]byte{0xff}, stdinChunkSize)
	env := m.send("5F2A7C1E-0B7D-4E8B-9C61-2D3A4B5C6D7E", "9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D", chunk, true)
	if len(env) >= maxEnvelopeSize {
		t.Errorf("Send envelope with a full chunk is %d bytes, want < %d", len(env), maxEnvelopeSize)
	}
	if len(env) < maxEnvelopeSize*3/4 {
		t.Errorf("Send envelope is only %d bytes: chunks are needlessly small", len(env))
	}
}

func TestReceiveTimeout(t *testing.T) {
	tests := []struct{ timeout, want time.Duration }{
		{60 * time.Second, 20 * time.Second},
		{40 * time.Second, 20 * time.Second},
		{10 * time.Second, 5 * time.Second},
		{1500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		if got := receiveTimeout(tt.timeout); got != tt.want {
			t.Errorf("receiveTimeout(%s) = %s, want %s", tt.timeout, got, tt.want)
		}
	}
	if got := string(newMessages("u", time.Minute).receive("S", "C")); !strings.Contains(got, ">PT20S<") {
		t.Errorf("Receive envelope lacks OperationTimeout PT20S: %s", got)
	}
}

func TestMessageIDsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := newMessageID()
		if seen[id] || len(id) != len("uuid:")+36 {
			t.Fatalf("message id %q repeated or malformed", id)
		}
		seen[id] = true
	}
}
