package output

import (
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// minLastColumn is the narrowest the wrapped last column gets, however
// narrow the width: below it the table runs wider than the width rather
// than cut every word.
const minLastColumn = 16

// Table is a table of text cells: the header, the rows, and how to draw
// them.
type Table struct {
	Header   []string   // column names, written as given
	Rows     [][]string // the cells, row by row; the last column may hold long text to wrap
	Bordered bool       // draw an outer border (+---+); else only the rules between columns and under the header
	Right    []int      // columns aligned right (numbers); the rest are aligned left
}

// Render draws the table with tablewriter v1 on w. With width > 0 the last
// column's cells are wrapped at word boundaries so that every line fits in
// width columns (see FitLastColumn); tablewriter itself never wraps.
func (t Table) Render(w io.Writer, width int) error {
	rows := t.Rows
	if width > 0 {
		rows = t.fitLastColumn(width)
	}
	align := make([]tw.Align, len(t.Header))
	for i := range align {
		align[i] = tw.AlignLeft
	}
	for _, i := range t.Right {
		align[i] = tw.AlignRight
	}
	rendition := tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)}
	if !t.Bordered {
		rendition.Borders = tw.Border{Left: tw.Off, Right: tw.Off, Top: tw.Off, Bottom: tw.Off}
	}
	tbl := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(rendition)),
		tablewriter.WithConfig(tablewriter.Config{
			Header: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignCenter},
			},
			Row: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignLeft, PerColumn: align},
			},
		}),
	)
	tbl.Header(t.Header)
	if err := tbl.Bulk(rows); err != nil {
		return err
	}
	return tbl.Render()
}

// fitLastColumn returns the rows with the last cell of each wrapped (lines
// joined by "\n") to the room the other columns leave in width.
func (t Table) fitLastColumn(width int) [][]string {
	n := len(t.Header)
	if n == 0 {
		return t.Rows
	}
	room := width - t.overhead()
	for col := 0; col < n-1; col++ {
		widest := DisplayWidth(t.Header[col])
		for _, r := range t.Rows {
			if col < len(r) {
				widest = max(widest, DisplayWidth(r[col]))
			}
		}
		room -= widest
	}
	room = max(room, minLastColumn)
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = append([]string(nil), r...)
		if len(r) == n {
			out[i][n-1] = strings.Join(Wrap(r[n-1], room), "\n")
		}
	}
	return out
}

// overhead is the columns a line takes besides the cells: one space of
// padding on each side of every cell, a rule between columns and, with a
// border, one on each side.
func (t Table) overhead() int {
	n := len(t.Header)
	if t.Bordered {
		return 2*n + n + 1
	}
	return 2*n + n - 1
}
