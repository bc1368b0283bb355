package ntlm

import (
	"encoding/binary"
	"fmt"
	"time"
)

// AvID identifies an AV_PAIR in TargetInfo ([MS-NLMP] 2.2.2.1).
type AvID uint16

// AV_PAIR identifiers ([MS-NLMP] 2.2.2.1).
const (
	AvEOL             AvID = 0x0000 // MsvAvEOL
	AvNbComputerName  AvID = 0x0001 // MsvAvNbComputerName
	AvNbDomainName    AvID = 0x0002 // MsvAvNbDomainName
	AvDNSComputerName AvID = 0x0003 // MsvAvDnsComputerName
	AvDNSDomainName   AvID = 0x0004 // MsvAvDnsDomainName
	AvDNSTreeName     AvID = 0x0005 // MsvAvDnsTreeName
	AvFlags           AvID = 0x0006 // MsvAvFlags
	AvTimestamp       AvID = 0x0007 // MsvAvTimestamp
	AvSingleHost      AvID = 0x0008 // MsvAvSingleHost
	AvTargetName      AvID = 0x0009 // MsvAvTargetName
	AvChannelBindings AvID = 0x000A // MsvAvChannelBindings
)

// avFlagMICPresent is the MsvAvFlags bit saying the AUTHENTICATE_MESSAGE
// carries a MIC ([MS-NLMP] 2.2.2.1).
const avFlagMICPresent = 0x00000002

// AvPair is one attribute/value pair of TargetInfo.
type AvPair struct {
	ID    AvID
	Value []byte
}

// AvPairs is an ordered TargetInfo list, without the terminating MsvAvEOL.
type AvPairs []AvPair

// parseAvPairs parses a TargetInfo buffer up to MsvAvEOL, bounds-checked.
func parseAvPairs(b []byte) (AvPairs, error) {
	var pairs AvPairs
	for {
		if len(b) < 4 {
			return nil, fmt.Errorf("%w: AV_PAIR list not terminated by MsvAvEOL", ErrMalformedMessage)
		}
		id := AvID(binary.LittleEndian.Uint16(b))
		n := int(binary.LittleEndian.Uint16(b[2:]))
		if id == AvEOL {
			return pairs, nil
		}
		if 4+n > len(b) {
			return nil, fmt.Errorf("%w: AV_PAIR %d length %d beyond buffer", ErrMalformedMessage, id, n)
		}
		pairs = append(pairs, AvPair{ID: id, Value: b[4 : 4+n]})
		b = b[4+n:]
	}
}

// marshal encodes the list followed by MsvAvEOL.
func (p AvPairs) marshal() []byte {
	var out []byte
	for _, pair := range p {
		out = binary.LittleEndian.AppendUint16(out, uint16(pair.ID))
		out = binary.LittleEndian.AppendUint16(out, uint16(len(pair.Value)))
		out = append(out, pair.Value...)
	}
	return append(out, 0, 0, 0, 0)
}

// find returns the value of the first pair with id.
func (p AvPairs) find(id AvID) ([]byte, bool) {
	for _, pair := range p {
		if pair.ID == id {
			return pair.Value, true
		}
	}
	return nil, false
}

// micPresent reports whether MsvAvFlags announces a MIC.
func (p AvPairs) micPresent() bool {
	v, ok := p.find(AvFlags)
	return ok && len(v) == 4 && binary.LittleEndian.Uint32(v)&avFlagMICPresent != 0
}

// withMICFlag returns a copy of p with the MIC bit set in MsvAvFlags,
// adding MsvAvFlags if the server did not send one ([MS-NLMP] 3.1.5.1.2).
func (p AvPairs) withMICFlag() AvPairs {
	out := make(AvPairs, 0, len(p)+1)
	found := false
	for _, pair := range p {
		if pair.ID == AvFlags && len(pair.Value) == 4 {
			v := binary.LittleEndian.Uint32(pair.Value) | avFlagMICPresent
			pair = AvPair{ID: AvFlags, Value: binary.LittleEndian.AppendUint32(nil, v)}
			found = true
		}
		out = append(out, pair)
	}
	if !found {
		out = append(out, AvPair{ID: AvFlags, Value: binary.LittleEndian.AppendUint32(nil, avFlagMICPresent)})
	}
	return out
}

// fileTimeEpochSeconds is the number of seconds between 1601-01-01
// (FILETIME epoch) and 1970-01-01 (Unix epoch).
const fileTimeEpochSeconds = 11644473600

// fileTime encodes t as a little-endian FILETIME ([MS-DTYP] 2.3.3): 100 ns
// intervals since 1601-01-01 UTC. Seconds and nanoseconds are combined
// separately because UnixNano overflows before 1678.
func fileTime(t time.Time) []byte {
	ft := uint64(t.Unix()+fileTimeEpochSeconds)*10_000_000 + uint64(t.Nanosecond()/100)
	return binary.LittleEndian.AppendUint64(nil, ft)
}
