package probes

import (
	"path"
	"strconv"
	"strings"
)

// ListedFile is a regular file named in a LIST reply.
type ListedFile struct {
	Name string // the file name as listed
	Size int64  // its size in bytes
}

// ParseListing returns the regular files of a LIST reply in either form
// servers use: Unix "ls -l" lines (vsftpd, ProFTPD, Pure-FTPd, FileZilla
// Server) and MS-DOS lines (IIS: "11-22-26  05:40AM  1024 name", "<DIR>"
// for a directory). Directories, links and lines of other forms are left
// out.
func ParseListing(text string) []ListedFile {
	var out []ListedFile
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if f, ok := unixLine(line); ok {
			out = append(out, f)
		} else if f, ok := dosLine(line); ok {
			out = append(out, f)
		}
	}
	return out
}

// unixLine reads "-rw-r--r-- 1 owner group SIZE Mon DD HH:MM NAME".
func unixLine(line string) (ListedFile, bool) {
	if len(line) < 10 || line[0] != '-' {
		return ListedFile{}, false
	}
	rest := line
	var fields []string
	for range 8 {
		rest = strings.TrimLeft(rest, " ")
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			return ListedFile{}, false
		}
		fields, rest = append(fields, rest[:i]), rest[i:]
	}
	name := strings.TrimLeft(rest, " ")
	size, err := strconv.ParseInt(fields[4], 10, 64)
	if err != nil || size < 0 || name == "" {
		return ListedFile{}, false
	}
	return ListedFile{Name: name, Size: size}, true
}

// dosLine reads "MM-DD-YY  HH:MMAM  SIZE NAME" (a directory has "<DIR>").
func dosLine(line string) (ListedFile, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || strings.Count(f[0], "-") != 2 || !strings.Contains(f[1], ":") {
		return ListedFile{}, false
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return ListedFile{}, false
	}
	i := strings.Index(line, f[2]) + len(f[2])
	name := strings.TrimLeft(line[i:], " ")
	return ListedFile{Name: name, Size: size}, name != ""
}

// largestFile returns the largest regular file of a listing, or false.
func largestFile(files []ListedFile) (ListedFile, bool) {
	var best ListedFile
	found := false
	for _, f := range files {
		if !found || f.Size > best.Size {
			best, found = f, true
		}
	}
	return best, found
}

// inDir joins a listed name with the directory that was listed; an empty
// directory is the login directory.
func inDir(dir, name string) string {
	if dir == "" || strings.HasPrefix(name, "/") {
		return name
	}
	return path.Join(dir, name)
}
