package netlab

import (
	"encoding/binary"
	"slices"
	"testing"
)

// nlMessage builds one netlink message of type typ: header, nfgenmsg for
// queue 7, then attrs.
func nlMessage(typ uint16, attrs ...[]byte) []byte {
	b := make([]byte, 20)
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.BigEndian.PutUint16(b[18:], 7)
	for _, a := range attrs {
		b = append(b, a...)
	}
	binary.NativeEndian.PutUint32(b, uint32(len(b)))
	return b
}

// packetHdr is an NFQA_PACKET_HDR for id (IPv4, hook 1): 7 bytes, padded
// to 8 by nlAttr, as the kernel sends it.
func packetHdr(id uint32) []byte {
	h := make([]byte, 7)
	binary.BigEndian.PutUint32(h, id)
	binary.BigEndian.PutUint16(h[4:], 0x0800)
	h[6] = 1
	return nlAttr(nfqaPacketHdr, h)
}

func TestNfqPacketIDs(t *testing.T) {
	packet := uint16(nfnlSubsysQueue<<8 | nfqnlMsgPacket)
	mark := nlAttr(3, []byte{0, 0, 0, 9}) // NFQA_MARK, before the header: order must not matter
	cases := []struct {
		name string
		buf  []byte
		want []uint32
	}{
		{"one_packet", nlMessage(packet, packetHdr(41)), []uint32{41}},
		{"several_in_one_read", slices.Concat(nlMessage(packet, packetHdr(1)), nlMessage(packet, mark, packetHdr(2)),
			nlMessage(packet, packetHdr(0x01020304))), []uint32{1, 2, 0x01020304}},
		{"other_messages_skipped", slices.Concat(nlMessage(2, packetHdr(5)), nlMessage(packet, packetHdr(6))), []uint32{6}},
		{"truncated_message_ignored", nlMessage(packet, packetHdr(8))[:22], nil},
		{"attribute_flags_masked", nlMessage(packet, func() []byte {
			a := packetHdr(9)
			binary.NativeEndian.PutUint16(a[2:], nfqaPacketHdr|0x8000) // NLA_F_NESTED
			return a
		}()), []uint32{9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := nfqPacketIDs(c.buf); !slices.Equal(got, c.want) {
				t.Errorf("nfqPacketIDs = %v, want %v", got, c.want)
			}
		})
	}
}

func TestNfqVerdictEncoding(t *testing.T) {
	a := nfqVerdict(0x0a0b0c0d)
	if len(a) != 12 || binary.NativeEndian.Uint16(a) != 12 || binary.NativeEndian.Uint16(a[2:]) != nfqaVerdictHdr {
		t.Fatalf("attribute header: % x", a)
	}
	if v, id := binary.BigEndian.Uint32(a[4:]), binary.BigEndian.Uint32(a[8:]); v != nfAccept || id != 0x0a0b0c0d {
		t.Errorf("verdict %d id %#x, want %d %#x", v, id, nfAccept, 0x0a0b0c0d)
	}
}
