package classify

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule describes how a category recognises items.
type Rule struct {
	CategoryID int64
	Slug       string
	// Priority orders rules: lower is tried first; ties are broken by Slug.
	Priority int
	// EnstruPrefixes match the start of an ENSTRU code; only digits are
	// compared, so "1412" matches "141211.100.000001".
	EnstruPrefixes []string
	// Keywords are patterns in the language described in the package doc.
	Keywords []string
}

// Classifier assigns items to categories. It is immutable and safe for
// concurrent use.
type Classifier struct {
	cats []category // sorted by priority, then slug; indexes are "ranks"

	// fold maps each rune below foldTableSize to its lower case, or to 0
	// when it is not a word rune; unicode.IsLetter and unicode.ToLower
	// would otherwise dominate Classify for Cyrillic text.
	fold []rune

	codes []digitNode // root at 0

	words []wordNode // root at 0
	first [][]int32  // word ID -> patterns whose first word it is
	pats  []pattern  // compiled keyword patterns, in rank order
}

type category struct {
	id   int64
	slug string
}

// pattern is a compiled keyword pattern of a category.
type pattern struct {
	rank  int32   // index into Classifier.cats
	words []int32 // word IDs, at least one
}

// digitNode is a node of the ENSTRU prefix trie.
type digitNode struct {
	next [10]int32 // child per digit; 0 means none, the root is never a child
	rank int32     // best rank of a prefix ending here, or noRank
}

// wordNode is a node of the trie over the lower-cased UTF-8 bytes of all
// distinct pattern words. Children are a dense table over the byte range
// [lo, lo+len(next)), which keeps a step O(1) while staying small, because
// the bytes following a common UTF-8 lead byte are clustered.
type wordNode struct {
	lo     byte
	next   []int32 // 0 means none, the root is never a child
	exact  int32   // ID of the whole word ending here, or -1
	prefix int32   // ID of the "word*" ending here, or -1
}

// foldTableSize covers every rune encoded in one or two UTF-8 bytes: Latin,
// Greek and the whole Cyrillic block with the Kazakh letters.
const foldTableSize = 0x800

// noRank marks "no match"; it is larger than any real rank.
const noRank = int32(1<<31 - 1)

// New compiles rules into a Classifier. It returns an error naming the rule
// and the offending value when a keyword pattern or ENSTRU prefix is
// malformed, or when a slug is empty or shared by two rules, because slugs
// decide ties and identify the result.
func New(rules []Rule) (*Classifier, error) {
	sorted := slices.Clone(rules)
	slices.SortStableFunc(sorted, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), strings.Compare(a.Slug, b.Slug))
	})

	c := &Classifier{
		cats:  make([]category, 0, len(sorted)),
		codes: []digitNode{{rank: noRank}},
		fold:  make([]rune, foldTableSize),
	}
	for r := range rune(foldTableSize) {
		if isWordRune(r) {
			c.fold[r] = unicode.ToLower(r)
		}
	}
	wb := newWordTrieBuilder()
	for i, r := range sorted {
		if r.Slug == "" {
			return nil, fmt.Errorf("classify: rule with category ID %d: empty slug", r.CategoryID)
		}
		if i > 0 && sorted[i-1].Slug == r.Slug {
			return nil, fmt.Errorf("classify: rule %q: duplicate slug", r.Slug)
		}
		rank := int32(i)
		c.cats = append(c.cats, category{id: r.CategoryID, slug: r.Slug})

		for _, p := range r.EnstruPrefixes {
			if err := c.addPrefix(p, rank); err != nil {
				return nil, fmt.Errorf("classify: rule %q: enstru prefix %q: %w", r.Slug, p, err)
			}
		}
		for _, k := range r.Keywords {
			ids, err := wb.addPattern(k)
			if err != nil {
				return nil, fmt.Errorf("classify: rule %q: keyword %q: %w", r.Slug, k, err)
			}
			c.pats = append(c.pats, pattern{rank: rank, words: ids})
		}
	}

	c.words = wb.compile()
	c.first = make([][]int32, wb.count)
	for i, p := range c.pats {
		c.first[p.words[0]] = append(c.first[p.words[0]], int32(i))
	}
	return c, nil
}

// addPrefix inserts an ENSTRU prefix into the digit trie.
func (c *Classifier) addPrefix(p string, rank int32) error {
	n, digits := int32(0), 0
	for _, ch := range p {
		if ch == '.' {
			continue
		}
		if ch < '0' || ch > '9' {
			return fmt.Errorf("unexpected character %q, want digits and dots", ch)
		}
		digits++
		d := ch - '0'
		if c.codes[n].next[d] == 0 {
			c.codes = append(c.codes, digitNode{rank: noRank})
			c.codes[n].next[d] = int32(len(c.codes) - 1)
		}
		n = c.codes[n].next[d]
	}
	if digits == 0 {
		return errors.New("no digits")
	}
	// Rules are added in rank order, so the first rank stored is the best.
	c.codes[n].rank = min(c.codes[n].rank, rank)
	return nil
}

// Classify returns the category of the first rule, by priority, that matches
// the item: its ENSTRU code starts with one of the rule's prefixes, or one of
// the rule's keyword patterns occurs in any of texts. Empty arguments are
// allowed and never match anything.
func (c *Classifier) Classify(enstru string, texts ...string) (categoryID int64, slug string, ok bool) {
	best := c.matchCode(enstru)
	for _, t := range texts {
		if len(c.pats) == 0 || best <= c.pats[0].rank {
			break // no keyword can beat the match so far
		}
		best = c.matchText(t, best)
	}
	if best == noRank {
		return 0, "", false
	}
	cat := c.cats[best]
	return cat.id, cat.slug, true
}

// matchCode returns the best rank whose prefix starts the code, or noRank.
func (c *Classifier) matchCode(code string) int32 {
	code = strings.TrimSpace(code)
	best, n := noRank, int32(0)
	for i := 0; i < len(code); i++ {
		ch := code[i]
		if ch == '.' {
			continue
		}
		if ch < '0' || ch > '9' {
			break
		}
		if n = c.codes[n].next[ch-'0']; n == 0 {
			break
		}
		best = min(best, c.codes[n].rank)
	}
	return best
}

// state is a partially matched multi-word pattern: words before pos have
// matched the preceding consecutive text words.
type state struct {
	pat int32
	pos int32
}

// matchText returns the best rank below best whose pattern occurs in text,
// or best itself. It lower-cases and tokenises the text in a single pass,
// walking the word trie as it goes, so no lower-cased copy is built.
func (c *Classifier) matchText(text string, best int32) int32 {
	// Fixed buffers keep the common case allocation-free; append grows them
	// on the heap only for unusual pattern sets.
	var idBuf [8]int32
	var bufA, bufB [16]state
	ids := idBuf[:0]
	active, next := bufA[:0], bufB[:0]

	node := int32(0) // current trie node; -1 once the word left the trie
	inWord := false
	var enc [utf8.UTFMax]byte

	for i := 0; i <= len(text); {
		// Decode the next rune, inlining the 1- and 2-byte forms that make
		// up nearly all Latin, Cyrillic and Kazakh text.
		var r rune
		size := 1
		switch {
		case i == len(text):
			r = ' ' // flush the last word
		case text[i] < utf8.RuneSelf:
			r = rune(text[i])
		case i+1 < len(text) && text[i] >= 0xC2 && text[i] <= 0xDF && text[i+1]&0xC0 == 0x80:
			r, size = rune(text[i]&0x1F)<<6|rune(text[i+1]&0x3F), 2
		default:
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size

		var lower rune // 0 when r is not part of a word
		if r < foldTableSize {
			lower = c.fold[r]
		} else if isWordRune(r) {
			lower = unicode.ToLower(r)
		}

		if lower != 0 {
			inWord = true
			if node < 0 {
				continue
			}
			var b []byte
			switch {
			case lower < utf8.RuneSelf:
				enc[0] = byte(lower)
				b = enc[:1]
			case lower < 0x800:
				enc[0], enc[1] = 0xC0|byte(lower>>6), 0x80|byte(lower&0x3F)
				b = enc[:2]
			default:
				b = enc[:utf8.EncodeRune(enc[:], lower)]
			}
			for _, ch := range b {
				wn := &c.words[node]
				k := int(ch) - int(wn.lo)
				if k < 0 || k >= len(wn.next) || wn.next[k] == 0 {
					node = -1
					break
				}
				node = wn.next[k]
			}
			if node >= 0 {
				if p := c.words[node].prefix; p >= 0 {
					ids = append(ids, p)
				}
			}
			continue
		}
		if !inWord {
			continue
		}

		// A word ended: collect the pattern words it matches and advance
		// the partial matches.
		if node >= 0 {
			if e := c.words[node].exact; e >= 0 {
				ids = append(ids, e)
			}
		}
		next = next[:0]
		for _, s := range active {
			p := &c.pats[s.pat]
			if p.rank >= best || !slices.Contains(ids, p.words[s.pos]) {
				continue
			}
			if int(s.pos)+1 == len(p.words) {
				best = p.rank
			} else {
				next = append(next, state{pat: s.pat, pos: s.pos + 1})
			}
		}
		for _, id := range ids {
			for _, pi := range c.first[id] {
				p := &c.pats[pi]
				if p.rank >= best {
					break // patterns are stored in rank order
				}
				if len(p.words) == 1 {
					best = p.rank
				} else {
					next = append(next, state{pat: pi, pos: 1})
				}
			}
		}
		if best == 0 {
			return 0
		}
		active, next = next, active
		ids = ids[:0]
		node, inWord = 0, false
	}
	return best
}

// isWordRune reports whether r belongs to a word. Combining marks count as
// word characters so that decomposed letters such as "й" written as
// "и"+U+0306 do not split a word in two.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// wordTrieBuilder collects distinct pattern words before compiling them into
// the dense trie used by Classify.
type wordTrieBuilder struct {
	nodes []builderNode
	count int32 // number of distinct words
}

type builderNode struct {
	next   map[byte]int32
	exact  int32
	prefix int32
}

func newWordTrieBuilder() *wordTrieBuilder {
	return &wordTrieBuilder{nodes: []builderNode{{exact: -1, prefix: -1}}}
}

// addPattern validates a pattern and returns the IDs of its words.
func (b *wordTrieBuilder) addPattern(pat string) ([]int32, error) {
	fields := strings.Fields(pat)
	if len(fields) == 0 {
		return nil, errors.New("empty pattern")
	}
	ids := make([]int32, 0, len(fields))
	for _, f := range fields {
		word, isPrefix := strings.CutSuffix(f, "*")
		if word == "" {
			return nil, fmt.Errorf("word %q has no letters before \"*\"", f)
		}
		var lower strings.Builder
		for _, r := range word {
			if !isWordRune(r) {
				return nil, fmt.Errorf("word %q contains %q, want letters and digits with an optional trailing \"*\"", f, r)
			}
			lower.WriteRune(unicode.ToLower(r))
		}
		ids = append(ids, b.addWord(lower.String(), isPrefix))
	}
	return ids, nil
}

// addWord inserts a lower-cased word and returns its ID; the same word added
// twice gets the same ID, so shared words are matched once per text word.
func (b *wordTrieBuilder) addWord(w string, isPrefix bool) int32 {
	n := int32(0)
	for i := 0; i < len(w); i++ {
		child, ok := b.nodes[n].next[w[i]]
		if !ok {
			b.nodes = append(b.nodes, builderNode{exact: -1, prefix: -1})
			child = int32(len(b.nodes) - 1)
			if b.nodes[n].next == nil {
				b.nodes[n].next = make(map[byte]int32)
			}
			b.nodes[n].next[w[i]] = child
		}
		n = child
	}
	slot := &b.nodes[n].exact
	if isPrefix {
		slot = &b.nodes[n].prefix
	}
	if *slot < 0 {
		*slot = b.count
		b.count++
	}
	return *slot
}

// compile converts the builder's maps into dense child tables.
func (b *wordTrieBuilder) compile() []wordNode {
	out := make([]wordNode, len(b.nodes))
	for i, n := range b.nodes {
		out[i] = wordNode{exact: n.exact, prefix: n.prefix}
		if len(n.next) == 0 {
			continue
		}
		lo, hi := byte(255), byte(0)
		for ch := range n.next {
			lo, hi = min(lo, ch), max(hi, ch)
		}
		out[i].lo = lo
		out[i].next = make([]int32, int(hi)-int(lo)+1)
		for ch, child := range n.next {
			out[i].next[ch-lo] = child
		}
	}
	return out
}
