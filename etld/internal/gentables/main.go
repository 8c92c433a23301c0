// Command gentables writes etld's tables.go from the Unicode data in
// internal/idndata. Run it with "go generate" in package etld.
package main

import (
	"log"
	"os"

	"github.com/consenttrust/appverify/etld/internal/idngen"
)

func main() {
	src, err := idngen.Generate("internal/idndata")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("tables.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
}
