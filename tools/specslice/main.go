// Command specslice cuts openapi.yaml into one document per vendor: the operations tagged with
// the vendor and only the components they use, directly or through other components (schemas,
// responses, parameters, request bodies, headers, examples, and the security schemes their
// `security` names). A team that integrates one vendor generates its SDK from that vendor's
// slice and gets no other vendor's types. The vendors are the top-level tags of openapi.yaml
// except Service, so a vendor that lands in spec/ gets its slice without a change here.
//
// Each slice is written as <vendor in lower case>.yaml into every directory given with -o;
// other *.yaml files there (a vendor that is gone) are removed. `make generate` runs it into
// sdk/specs (for people, and embedded by the root package for the server to serve); the output
// is deterministic, so scripts/check-generated.sh can tell a stale slice.
//
//	go run ./tools/specslice -in openapi.yaml -o sdk/specs
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dirs is a repeatable -o flag.
type dirs []string

func (d *dirs) String() string     { return strings.Join(*d, ",") }
func (d *dirs) Set(v string) error { *d = append(*d, v); return nil }

func main() {
	in := flag.String("in", "openapi.yaml", "the bundled OpenAPI document")
	var out dirs
	flag.Var(&out, "o", "directory to write <vendor>.yaml into (repeatable)")
	flag.Parse()
	if err := run(*in, out); err != nil {
		fmt.Fprintln(os.Stderr, "specslice:", err)
		os.Exit(1)
	}
}

func run(in string, out []string) error {
	if len(out) == 0 {
		return fmt.Errorf("no -o directory")
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	slices, err := SliceAll(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	for _, dir := range out {
		if err := writeDir(dir, slices); err != nil {
			return err
		}
	}
	return nil
}

// writeDir writes each slice as dir/<name>.yaml and removes any other *.yaml in dir.
func writeDir(dir string, slices map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	for _, path := range old {
		if _, keep := slices[strings.TrimSuffix(filepath.Base(path), ".yaml")]; !keep {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	for name, data := range slices {
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
