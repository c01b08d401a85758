package ocds

// A release's items: classification, quantity times unit price.

import (
	"math/big"
	"math/bits"
	"strconv"
	"strings"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/money"
)

// item checks one item and works out its value when it has a unit price.
func (r *releaseReader) item(n node, pos int) (checkedItem, error) {
	it := checkedItem{path: n.path()}
	var err error
	if it.id, err = n.get("id").text(); err != nil {
		return it, err
	}
	if it.id == "" {
		it.id = "#" + strconv.Itoa(pos+1)
	}
	if it.name, err = n.get("description").text(); err != nil {
		return it, err
	}
	// The classification: an ENSTRU code is kept as such (from the main or an additional classification);
	// another scheme's code and title go into the description, where the keyword rules still see them.
	class := n.get("classification")
	if _, err := class.object(); err != nil {
		return it, err
	}
	scheme, id, title, err := classification(class)
	if err != nil {
		return it, err
	}
	if isENSTRU(scheme) {
		if err := fieldtext.CheckEnstru("classification.id", id); err != nil {
			return it, perr(class.get("id"), "%q is not an ENSTRU code (want XXXXXX.XXX.XXXXXX)", id)
		}
		it.enstru, it.desc = id, title
	} else {
		extra, err := n.get("additionalClassifications").objects()
		if err != nil {
			return it, err
		}
		for _, a := range extra {
			s, aid, atitle, err := classification(a)
			if err != nil {
				return it, err
			}
			if isENSTRU(s) && fieldtext.CheckEnstru("", aid) == nil && aid != "" {
				it.enstru = aid
				if title == "" {
					title = atitle
				}
				break
			}
		}
		var parts []string
		if id != "" {
			parts = append(parts, strings.TrimSpace(scheme+":"+id))
		}
		if title != "" {
			parts = append(parts, title)
		}
		it.desc = strings.Join(parts, " ")
	}
	if it.name == "" {
		it.name = title
	}
	q := n.get("quantity")
	if it.quantity, err = q.text(); err != nil {
		return it, err
	}
	if it.quantity != "" && !fieldtext.IsDecimal(it.quantity) {
		return it, perr(q, "%q is not a non-negative number", it.quantity)
	}
	if it.quantity, err = money.Plain(it.quantity); err != nil {
		return it, perr(q, "%v", err)
	}
	unit := n.get("unit")
	if _, err := unit.object(); err != nil {
		return it, err
	}
	if it.unit, err = unit.get("name").text(); err != nil {
		return it, err
	}
	if it.unit == "" {
		if it.unit, err = unit.get("id").text(); err != nil {
			return it, err
		}
	}
	price, err := valueAt(unit.get("value"))
	if err != nil {
		return it, err
	}
	it.price, it.currency = price.amount, unit.get("value").get("currency")
	if it.price != nil && it.quantity != "" {
		// The exact price is used (1000.005 × 5 = 5000.03, not 1000.01 × 5), unless it is written with an
		// exponent, whose size would make exact arithmetic arbitrarily slow: then its value in tiyn.
		exact := it.price.text
		if strings.ContainsAny(exact, "eE") {
			exact = money.FormatMajor(it.price.minor)
		}
		v, ok := times(it.quantity, exact)
		if !ok {
			return it, perr(q, "quantity %s × unit price %s is implausibly large", it.quantity, it.price.text)
		}
		it.value = &v
	}
	it.category = r.o.look.categories.Category(it.enstru, it.name, it.desc)
	return it, nil
}

// classification reads an OCDS Classification; "schema" is a misspelling some publishers use for "scheme".
func classification(n node) (scheme, id, title string, err error) {
	if scheme, err = n.get("scheme").text(); err != nil {
		return
	}
	if scheme == "" {
		if scheme, err = n.get("schema").text(); err != nil {
			return
		}
	}
	if id, err = n.get("id").text(); err != nil {
		return
	}
	title, err = n.get("description").text()
	return
}

func isENSTRU(scheme string) bool {
	switch strings.ToUpper(strings.TrimSpace(scheme)) {
	case "ENSTRU", "KZ-ENSTRU", "ЕНС ТРУ", "ЕНСТРУ", "KZ ENSTRU":
		return true
	}
	return false
}

// times multiplies a quantity by a price exactly, in minor units rounded half away from zero.
func times(quantity, price string) (int64, bool) {
	if v, ok, exact := timesSmall(quantity, price); exact {
		return v, ok
	}
	return timesBig(quantity, price)
}

func timesBig(quantity, price string) (int64, bool) {
	q, ok := new(big.Rat).SetString(strings.TrimPrefix(quantity, "+"))
	if !ok {
		return 0, false
	}
	p, ok := new(big.Rat).SetString(strings.TrimPrefix(price, "+"))
	if !ok {
		return 0, false
	}
	v := new(big.Rat).Mul(q, p)
	v.Mul(v, big.NewRat(100, 1))
	n := new(big.Int).Quo(v.Num(), v.Denom())
	rem := new(big.Rat).Sub(v, new(big.Rat).SetInt(n))
	if rem.Cmp(big.NewRat(1, 2)) >= 0 {
		n.Add(n, big.NewInt(1))
	}
	if !n.IsInt64() || n.Int64() > maxMinor {
		return 0, false
	}
	return n.Int64(), true
}

// timesSmall is times in 128-bit integers for the usual inputs, plain non-negative decimals of up to 18
// digits; exact is false for any other, which math/big then takes (it cost a tenth of an OCDS import).
func timesSmall(quantity, price string) (v int64, ok, exact bool) {
	qm, qs, okQ := smallDecimal(quantity)
	pm, ps, okP := smallDecimal(price)
	if !okQ || !okP || qs+ps > 19 {
		return 0, false, false
	}
	hi, lo := bits.Mul64(qm, pm)
	// × 100 for minor units
	hi100, lo100 := bits.Mul64(lo, 100)
	hiHi, hiLo := bits.Mul64(hi, 100)
	if hiHi != 0 {
		return 0, false, true // far beyond any amount
	}
	hi, carry := bits.Add64(hiLo, hi100, 0)
	if carry != 0 {
		return 0, false, true
	}
	lo = lo100
	d := pow10u(qs + ps)
	if hi >= d {
		return 0, false, true // the quotient overflows 64 bits
	}
	n, rem := bits.Div64(hi, lo, d)
	if rem >= d-rem { // rem/d ≥ 1/2
		n++
	}
	if n > maxMinor {
		return 0, false, true
	}
	return int64(n), true, true
}

// smallDecimal reads [+]digits[.digits] of at most 18 digits as mantissa and scale.
func smallDecimal(s string) (mantissa uint64, scale int, ok bool) {
	s = strings.TrimPrefix(s, "+")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || len(whole)+len(frac) > 18 {
		return 0, 0, false
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, 0, false
			}
			mantissa = mantissa*10 + uint64(c-'0')
		}
	}
	return mantissa, len(frac), true
}

func pow10u(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}
