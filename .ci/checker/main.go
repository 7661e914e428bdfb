// checker runs, on what the test suite hands it on stdin, the libraries the ecosystem judges an
// operator with:
//
//	checker kstatus   a JSON list of objects (kubectl get -o json); prints "<namespace>/<name> <status> <message>"
//	                  per object, as Flux's kstatus (sigs.k8s.io/cli-utils/pkg/kstatus) computes it
//	checker promlint  a Prometheus text exposition; prints every problem promtool check metrics
//	                  reports (its linter, promlint) and exits 3 when there is one
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: checker kstatus|promlint < input")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "kstatus":
		kstatus(os.Stdin)
	case "promlint":
		lint(os.Stdin)
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}

func kstatus(in io.Reader) {
	data, err := io.ReadAll(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus: reading the list:", err)
		os.Exit(2)
	}
	// As the API machinery decodes objects: integers stay int64, which kstatus requires.
	list := &unstructured.UnstructuredList{}
	if err := list.UnmarshalJSON(data); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus: decoding the list:", err)
		os.Exit(2)
	}
	for i := range list.Items {
		u := &list.Items[i]
		res, err := status.Compute(u)
		if err != nil {
			fmt.Printf("%s/%s Error %s\n", u.GetNamespace(), u.GetName(), err)
			continue
		}
		fmt.Printf("%s/%s %s %s\n", u.GetNamespace(), u.GetName(), res.Status, res.Message)
	}
}

func lint(in io.Reader) {
	problems, err := promlint.New(in).Lint()
	if err != nil {
		fmt.Fprintln(os.Stderr, "promlint: parsing the metrics:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Printf("%s %s\n", p.Metric, p.Text)
	}
	if len(problems) > 0 {
		os.Exit(3)
	}
}
