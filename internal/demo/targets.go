package demo

import _ "embed"

// Targets is the demo's targets file, in the format of `ules target apply` (internal/targetfile).
//
//go:embed targets.yaml
var Targets []byte
