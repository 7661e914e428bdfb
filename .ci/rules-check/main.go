// Reads a Prometheus rule file (the spec of a PrometheusRule) on stdin and checks it as
// `promtool check rules` does, with Prometheus's own parser: the YAML, every PromQL expression and
// every annotation template. Prints "SUCCESS: N rules found" or the errors and exits 1.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

func main() {
	data, _ := io.ReadAll(os.Stdin)
	groups, errs := rulefmt.Parse(data, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, e := range errs {
		fmt.Println(e)
	}
	if len(errs) > 0 {
		os.Exit(1)
	}
	n := 0
	for _, g := range groups.Groups {
		n += len(g.Rules)
	}
	fmt.Printf("SUCCESS: %d rules found\n", n)
}
