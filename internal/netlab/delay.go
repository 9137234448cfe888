package netlab

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Delay holds every packet that namespace ns sends or receives on iface
// for oneWay before letting it go, in order, so that a round trip across
// iface costs 2*oneWay: SYN and SYN-ACK, data and bare ACKs alike, as on a
// real network. It stands in for `tc qdisc ... netem delay`, which this
// kernel lacks (REALSERVERS.md): iptables hands the packets to an NFQUEUE
// that the test binary, re-executed in ns, reads and releases. The rules
// have no --queue-bypass, so if the helper dies the link drops everything
// and the lab fails instead of running undelayed. Call it before traffic
// starts; it goes with the namespace.
func (l *Lab) Delay(ns, iface string, oneWay time.Duration) {
	l.T.Helper()
	p := l.startHelper(ns, "delay queue", "delay", fmt.Sprintf("%d/%s", delayQueue, oneWay))
	p.waitOutput("bound", 30*time.Second)
	q := strconv.Itoa(delayQueue)
	l.In(ns, "iptables", "-w", "-A", "OUTPUT", "-o", iface, "-j", "NFQUEUE", "--queue-num", q)
	l.In(ns, "iptables", "-w", "-A", "INPUT", "-i", iface, "-j", "NFQUEUE", "--queue-num", q)
}

// delayQueue is the NFQUEUE number Delay uses; queues are per namespace.
const delayQueue = 7

// Netlink constants of nfnetlink_queue (linux/netfilter/nfnetlink_queue.h).
const (
	nfnlSubsysQueue = 3      // NFNL_SUBSYS_QUEUE: the high byte of the message type
	nfqnlMsgPacket  = 0      // NFQNL_MSG_PACKET: a queued packet, kernel to us
	nfqnlMsgVerdict = 1      // NFQNL_MSG_VERDICT: our decision on one packet
	nfqnlMsgConfig  = 2      // NFQNL_MSG_CONFIG: bind to a queue, set its copy mode
	nfqaPacketHdr   = 1      // NFQA_PACKET_HDR: packet id (big endian), protocol, hook
	nfqaVerdictHdr  = 2      // NFQA_VERDICT_HDR: verdict and id, both big endian
	nfqaCfgCmd      = 1      // NFQA_CFG_CMD: command, pad, protocol family
	nfqaCfgParams   = 2      // NFQA_CFG_PARAMS: copy range (big endian), copy mode
	nfqnlCfgCmdBind = 1      // NFQNL_CFG_CMD_BIND
	nfqnlCopyMeta   = 1      // NFQNL_COPY_META: ids without payload; a queue left in the default mode, NONE, refuses every packet
	nfAccept        = 1      // NF_ACCEPT
	nlaTypeMask     = 0x3fff // NLA_TYPE_MASK: an attribute type without its flag bits
)

// heldPacket is a queued packet and when to release it.
type heldPacket struct {
	id      uint32    // the kernel's packet id
	release time.Time // when it arrived plus the one-way delay
}

// runDelay is the "delay" helper's main; spec is "QUEUE/DELAY". It binds
// the queue, says "bound", then releases each packet DELAY after it came,
// in arrival order, until it is killed.
func runDelay(spec string) int {
	q, d, _ := strings.Cut(spec, "/")
	queue, err := strconv.Atoi(q)
	delay, err2 := time.ParseDuration(d)
	if err != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "delay: bad spec", spec)
		return 2
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_NETFILTER)
	if err == nil {
		err = unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
	}
	if err == nil {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 8<<20)
		err = nfqBind(fd, uint16(queue))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "delay: nfqueue:", err)
		return 1
	}
	fmt.Println("bound")
	held := make(chan heldPacket, 1<<16)
	go func() {
		for p := range held {
			time.Sleep(time.Until(p.release))
			if err := nfqSend(fd, nfqnlMsgVerdict, 0, uint16(queue), nfqVerdict(p.id)); err != nil {
				fmt.Fprintln(os.Stderr, "delay: verdict:", err)
			}
		}
	}()
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "delay: receive:", err)
			return 1
		}
		release := time.Now().Add(delay)
		for _, id := range nfqPacketIDs(buf[:n]) {
			held <- heldPacket{id: id, release: release}
		}
	}
}

// nfqBind binds fd to queue in metadata-only mode.
func nfqBind(fd int, queue uint16) error {
	cmd := []byte{nfqnlCfgCmdBind, 0, 0, unix.AF_INET} // command, pad, family (big endian)
	if err := nfqConfig(fd, queue, nlAttr(nfqaCfgCmd, cmd)); err != nil {
		return err
	}
	return nfqConfig(fd, queue, nlAttr(nfqaCfgParams, []byte{0, 0, 0, 0, nfqnlCopyMeta}))
}

// nfqConfig sends one configuration attribute for queue and waits for the
// kernel's acknowledgement.
func nfqConfig(fd int, queue uint16, attr []byte) error {
	if err := nfqSend(fd, nfqnlMsgConfig, unix.NLM_F_ACK, queue, attr); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return err
	}
	if n < 20 || binary.NativeEndian.Uint16(buf[4:]) != unix.NLMSG_ERROR {
		return fmt.Errorf("unexpected answer to a configuration (%d bytes)", n)
	}
	if errno := -int32(binary.NativeEndian.Uint32(buf[16:])); errno != 0 {
		return unix.Errno(errno)
	}
	return nil
}

// nfqSend sends one nfnetlink_queue message of type typ about queue.
func nfqSend(fd int, typ, flags, queue uint16, attrs ...[]byte) error {
	b := make([]byte, 20, 64)
	binary.NativeEndian.PutUint16(b[4:], nfnlSubsysQueue<<8|typ)
	binary.NativeEndian.PutUint16(b[6:], unix.NLM_F_REQUEST|flags)
	b[16] = unix.AF_UNSPEC // nfgenmsg: family, version 0, queue number (big endian)
	binary.BigEndian.PutUint16(b[18:], queue)
	for _, a := range attrs {
		b = append(b, a...)
	}
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	return unix.Sendto(fd, b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
}

// nfqVerdict is the NFQA_VERDICT_HDR attribute that accepts packet id.
func nfqVerdict(id uint32) []byte {
	v := make([]byte, 8)
	binary.BigEndian.PutUint32(v[0:], nfAccept)
	binary.BigEndian.PutUint32(v[4:], id)
	return nlAttr(nfqaVerdictHdr, v)
}

// nlAttr encodes one netlink attribute, padded to 4 bytes.
func nlAttr(typ uint16, data []byte) []byte {
	a := make([]byte, 4, 4+len(data)+3)
	binary.NativeEndian.PutUint16(a[0:], uint16(4+len(data)))
	binary.NativeEndian.PutUint16(a[2:], typ)
	a = append(a, data...)
	for len(a)%4 != 0 {
		a = append(a, 0)
	}
	return a
}

// nfqPacketIDs returns the ids of the queued packets in one read of
// netlink messages, in order.
func nfqPacketIDs(b []byte) []uint32 {
	var ids []uint32
	for len(b) >= 20 {
		n := int(binary.NativeEndian.Uint32(b))
		if n < 20 || n > len(b) {
			break
		}
		if binary.NativeEndian.Uint16(b[4:]) == nfnlSubsysQueue<<8|nfqnlMsgPacket {
			for a := b[20:n]; len(a) >= 4; {
				alen := int(binary.NativeEndian.Uint16(a))
				if alen < 4 || alen > len(a) {
					break
				}
				if binary.NativeEndian.Uint16(a[2:])&nlaTypeMask == nfqaPacketHdr && alen >= 8 {
					ids = append(ids, binary.BigEndian.Uint32(a[4:]))
				}
				a = a[min((alen+3)&^3, len(a)):]
			}
		}
		b = b[min((n+3)&^3, len(b)):]
	}
	return ids
}
