// Package docs holds ftpdoctor's documentation pages, embedded so that the
// web page (package web) can serve the page of every cause code from the
// binary, with no file on disk.
package docs

import "embed"

// FS holds the top-level pages (*.md) and every cause page (causes/*.md),
// under the same paths as in the repository's docs/ folder.
//
//go:embed causes/*.md *.md
var FS embed.FS

// Schemas holds the JSON Schemas of every JSON document ftpdoctor writes
// (schema/*.schema.json), as published in the repository's docs/schema.
//
//go:embed schema/*.schema.json
var Schemas embed.FS
