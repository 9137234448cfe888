package lazy

import (
	"strings"
	"sync"
	"testing"
)

func TestRegexpCompilesOnceOnFirstUse(t *testing.T) {
	re := Regexp(`(?i)^ab+c$`)
	var wg sync.WaitGroup
	got := make([]any, 8)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = re() }()
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] {
			t.Fatal("two calls returned different compiled expressions")
		}
	}
	if !re().MatchString("ABBC") || re().MatchString("ac") {
		t.Errorf("the compiled expression does not match as written")
	}
}

func TestCompileAllReportsABadExpression(t *testing.T) {
	if err := CompileAll(); err != nil {
		t.Fatalf("before the bad one: %v", err)
	}
	saved := exprs
	t.Cleanup(func() { exprs = saved })
	bad := Regexp(`(unclosed`)
	if err := CompileAll(); err == nil || !strings.Contains(err.Error(), "missing closing )") {
		t.Errorf("CompileAll() = %v, want the bad expression's error", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("the bad expression compiled on use")
		}
	}()
	bad()
}
