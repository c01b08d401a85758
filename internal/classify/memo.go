package classify

import "strings"

// Memo classifies items through a Classifier and remembers the answers: an import's items repeat their
// products again and again. It is not safe for concurrent use; give each goroutine its own.
type Memo struct {
	c    *Classifier
	seen map[memoKey]*int32
}

type memoKey struct {
	enstru string
	texts  [3]string
}

// maxRemembered bounds a Memo whatever the input's variety: past it, the answers are forgotten.
const maxRemembered = 50_000

// NewMemo returns a Memo over c.
func NewMemo(c *Classifier) *Memo { return &Memo{c: c} }

// Category is Classify's category id, nil when no rule matches. The pointers it returns are shared and
// never written through.
func (m *Memo) Category(enstru string, texts ...string) *int32 {
	if len(texts) > len(memoKey{}.texts) {
		return m.classify(enstru, texts...)
	}
	key := memoKey{enstru: enstru}
	copy(key.texts[:], texts)
	if c, ok := m.seen[key]; ok {
		return c
	}
	c := m.classify(enstru, texts...)
	if m.seen == nil || len(m.seen) >= maxRemembered {
		m.seen = make(map[memoKey]*int32)
	}
	key.enstru = strings.Clone(key.enstru) // a text may share its record's memory
	for i := range key.texts {
		key.texts[i] = strings.Clone(key.texts[i])
	}
	m.seen[key] = c
	return c
}

func (m *Memo) classify(enstru string, texts ...string) *int32 {
	if id, _, ok := m.c.Classify(enstru, texts...); ok {
		return new(int32(id))
	}
	return nil
}
