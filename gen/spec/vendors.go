package spec

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// vendorFS holds each vendor's slice of openapi.yaml (its operations and the components they
// use), written by `make generate` (tools/specslice) into vendors/ and ../../sdk/specs/.
//
//go:embed vendors/*.yaml
var vendorFS embed.FS

// Vendor returns the slice named file ("webshare.yaml"), byte for byte as in sdk/specs/.
func Vendor(file string) ([]byte, bool) {
	if strings.Contains(file, "/") {
		return nil, false
	}
	b, err := vendorFS.ReadFile("vendors/" + file)
	return b, err == nil
}

// VendorFiles lists the slices' file names, sorted.
func VendorFiles() []string {
	names, _ := fs.Glob(vendorFS, "vendors/*.yaml")
	for i, n := range names {
		names[i] = strings.TrimPrefix(n, "vendors/")
	}
	sort.Strings(names)
	return names
}
