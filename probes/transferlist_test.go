package probes

import (
	"reflect"
	"testing"
)

func TestParseListing(t *testing.T) {
	tests := []struct {
		name, text string
		want       []ListedFile
	}{
		{"vsftpd_unix", "-rw-r--r--    1 1000     1000       262144 Nov 22 05:40 big.bin\r\ndrwxr-xr-x    2 1000     1000         4096 Nov 22 05:40 sub\r\n-rw-r--r--    1 1000     1000            6 Nov 22 05:40 my file.txt\r\n",
			[]ListedFile{{"big.bin", 262144}, {"my file.txt", 6}}},
		{"iis_dos", "11-22-26  05:40AM       <DIR>          pub\r\n11-22-26  05:41AM               1024 readme.txt\r\n11-22-26  05:42PM            4194304 setup image.iso\r\n",
			[]ListedFile{{"readme.txt", 1024}, {"setup image.iso", 4194304}}},
		{"links_and_junk", "lrwxrwxrwx 1 0 0 7 Nov 22 05:40 latest -> big.bin\r\ntotal 8\r\n-rw-r--r-- 1 0 0 notanumber Nov 22 05:40 x\r\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseListing(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseListing = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLineEndings(t *testing.T) {
	tests := map[string]string{
		asciiText: "kept",
		"ftpdoctor line-ending test\nthis line ends in CRLF\nthis line ends in LF\nend\n":               "crlf_to_lf",
		"ftpdoctor line-ending test\r\nthis line ends in CRLF\r\nthis line ends in LF\r\nend\r\n":       "lf_to_crlf",
		"ftpdoctor line-ending test\r\r\nthis line ends in CRLF\r\r\nthis line ends in LF\r\nend\r\r\n": "changed",
	}
	for stored, want := range tests {
		if got := lineEndings(stored); got != want {
			t.Errorf("lineEndings(%q) = %s, want %s", stored, got, want)
		}
	}
}
