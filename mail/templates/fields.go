package templates

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"text/template/parse"
)

// allowed are the names a template may use after a dot: view's exported fields and methods.
var allowed = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[view]()
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			m[f.Name] = true
		}
	}
	for i := range t.NumMethod() {
		m[t.Method(i).Name] = true
	}
	return m
}()

// checkFields walks the templates' parse trees and refuses a field that the mail's data does
// not have, wherever it is, also in branches the check's renders do not take.
func checkFields(origin string, trees ...*parse.Tree) error {
	for _, tree := range trees {
		if tree == nil || tree.Root == nil {
			continue
		}
		if name := badField(tree.Root); name != "" {
			names := make([]string, 0, len(allowed))
			for n := range allowed {
				names = append(names, "."+n)
			}
			sort.Strings(names)
			return fmt.Errorf("mail templates: %s: template %q uses .%s, which mail data does not have (have: %s)",
				origin, tree.Name, name, strings.Join(names, ", "))
		}
	}
	return nil
}

// badField returns the first field name under n that the data has not.
func badField(n parse.Node) string {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return ""
		}
		for _, c := range n.Nodes {
			if b := badField(c); b != "" {
				return b
			}
		}
	case *parse.ActionNode:
		return badField(n.Pipe)
	case *parse.IfNode:
		return badBranch(&n.BranchNode)
	case *parse.RangeNode:
		return badBranch(&n.BranchNode)
	case *parse.WithNode:
		return badBranch(&n.BranchNode)
	case *parse.TemplateNode:
		return badField(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return ""
		}
		for _, c := range n.Cmds {
			if b := badField(c); b != "" {
				return b
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if b := badField(a); b != "" {
				return b
			}
		}
	case *parse.FieldNode:
		if len(n.Ident) > 0 && !allowed[n.Ident[0]] {
			return n.Ident[0]
		}
	case *parse.ChainNode:
		return badField(n.Node)
	}
	return ""
}

func badBranch(b *parse.BranchNode) string {
	if s := badField(b.Pipe); s != "" {
		return s
	}
	if s := badField(b.List); s != "" {
		return s
	}
	return badField(b.ElseList)
}
