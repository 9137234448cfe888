// Package probes runs the diagnostic stages of an FTP check, the values of
// Registry: dns, control, tls, login, passive, active, firewall and the
// opt-in transfer (--transfer). Each
// stage takes a context and a *Session and returns a Result. Stages never
// print, never exit and never block past their deadline; every error is
// classified once, where it is born, into a stable Code that the report
// package maps to a cause.
//
// # Adding a stage
//
// A stage is one value of type Stage that carries every fact the rest of
// ftpdoctor needs: whether its failure is critical, the data mode it
// transfers in, the cause family of its unknown codes, whether it runs for
// every account or once per server, and where an account's session ended
// when it failed, and (Asked) whether only a configuration that asks for
// it runs it. The runner, the many-accounts check, the report and the
// exporter read these facts; none keeps a list of stages. Adding one takes:
//
//  1. its file, probes/NAME.go, with its StageID constant, its Stage value
//     (Needs, Run and the facts) and its Run function, and its test file
//     probes/NAME_test.go, which replays a whole conversation;
//  2. one line in Registry, where the report should show it (after the
//     stages it needs);
//  3. its codes: constants and rows in the code table (codes.go), at least
//     one ok code, and for each problem code an entry of the report's cause
//     table (report/causes_NAME.go, a part added with causes);
//  4. a page docs/causes/CODE.md for each problem code, listed on its
//     family's page and in docs/README.md, and the stage in the lists of
//     README.md and docs/json.md.
//
// report's TestEveryStageHasItsCodesEntriesAndPages names whatever is
// missing.
//
// A stage that talks on the login's control connection takes it with
// Session.ControlConn and gives it back when its last reply is read:
// stages run side by side, and the connection is theirs one at a time.
// What a stage learns about the server software goes through the Server's
// methods, which take its lock.
package probes
