package rediscache

import (
	"fmt"
	"os"
)

// envHelper, set in a re-executed test binary, selects a helper-process mode.
const envHelper = "APPVERIFY_REDISCACHE_HELPER"

func helperMain(mode string) int {
	fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
	return 2
}
