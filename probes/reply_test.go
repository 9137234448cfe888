package probes

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		code    int
		lines   []string
		wantErr error
	}{
		{"single_line", "220 (vsFTPd 3.0.3)\r\n", 220, []string{"(vsFTPd 3.0.3)"}, nil},
		{"bare_code", "200\r\n", 200, []string{""}, nil},
		{"lf_only", "331 Please specify the password.\n", 331, []string{"Please specify the password."}, nil},
		{"multi_line_pure_ftpd", "220---------- Welcome to Pure-FTPd [privsep] ----------\r\n220-You are user number 1 of 50 allowed.\r\n220 This is a private system.\r\n",
			220, []string{"--------- Welcome to Pure-FTPd [privsep] ----------", "You are user number 1 of 50 allowed.", "This is a private system."}, nil},
		{"multi_line_feat", "211-Features:\r\n EPRT\r\n EPSV\r\n211 End\r\n", 211, []string{"Features:", "EPRT", "EPSV", "End"}, nil},
		{"multi_line_other_code_inside", "230-Welcome\r\n150 not the end\r\n230 Done\r\n", 230, []string{"Welcome", "150 not the end", "Done"}, nil},
		{"not_ftp_ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", 0, nil, ErrNotFTP},
		{"not_ftp_code_zero", "000 hello\r\n", 0, nil, ErrNotFTP},
		{"not_ftp_four_digits", "2200 hello\r\n", 0, nil, ErrNotFTP},
		{"empty_stream", "", 0, nil, io.EOF},
		{"cut_in_multi_line", "220-first\r\n220-second\r\n", 220, []string{"first", "second"}, io.EOF},
		{"cut_in_first_line", "220 Welc", 0, nil, io.ErrUnexpectedEOF},
		{"tls_alert_then_close", "\x15\x03\x01\x00\x02\x02\x28", 0, nil, ErrNotFTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ReadReply(bufio.NewReader(strings.NewReader(tt.in)))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("err = %v", err)
			}
			if r.Code != tt.code {
				t.Errorf("code = %d, want %d", r.Code, tt.code)
			}
			if tt.lines != nil && strings.Join(r.Lines, "|") != strings.Join(tt.lines, "|") {
				t.Errorf("lines = %q, want %q", r.Lines, tt.lines)
			}
		})
	}
}

func TestReadReplyBounds(t *testing.T) {
	t.Run("long_line_is_cut", func(t *testing.T) {
		in := "220 " + strings.Repeat("x", 10<<20) + "\r\n221 next\r\n"
		br := bufio.NewReader(strings.NewReader(in))
		r, err := ReadReply(br)
		if err != nil || r.Code != 220 || len(r.Lines[0]) > MaxLineBytes {
			t.Fatalf("code %d, line %d bytes, err %v", r.Code, len(r.Lines[0]), err)
		}
		next, err := ReadReply(br)
		if err != nil || next.Code != 221 {
			t.Fatalf("the reply after a long line: %d %v", next.Code, err)
		}
	})
	t.Run("endless_multi_line_stops", func(t *testing.T) {
		in := "220-start\r\n" + strings.Repeat("220-more\r\n", MaxReplyLines+10)
		r, err := ReadReply(bufio.NewReader(strings.NewReader(in)))
		if !errors.Is(err, ErrReplyTooLong) || len(r.Lines) > MaxReplyLines {
			t.Fatalf("lines %d, err %v", len(r.Lines), err)
		}
	})
}

func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"220 ok\r\n", "211-a\r\n b\r\n211 c\r\n", "SSH-2.0-x\r\n", "22", "220-\r\n220-\r\n", "\x16\x03\x01\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadReply(bufio.NewReader(strings.NewReader(string(data))))
		if err == nil && (r.Code < 100 || r.Code > 599) {
			t.Fatalf("accepted code %d", r.Code)
		}
		if len(r.Lines) > MaxReplyLines {
			t.Fatalf("%d lines", len(r.Lines))
		}
		for _, l := range r.Lines {
			if len(l) > MaxLineBytes {
				t.Fatalf("line of %d bytes", len(l))
			}
		}
	})
}
