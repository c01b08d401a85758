package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Certificate is an ST-KZ certificate of origin, as the certificates import reads it.
type Certificate struct {
	Number          string
	BIN             string
	ENSTRUPrefix    string // digits only
	LocalContentBP  int64  // basis points
	Issued, Expires time.Time
}

// streamCertificates draws who holds certificates, apart from the dataset's other streams.
const streamCertificates = 0x6365727473

// certifiedShare is the percentage of domestic producers that hold certificates; the large factory always
// does. Not every producer certifies its goods, which is what certified local content measures.
const certifiedShare = 70

// Certificates returns the ST-KZ certificates of a dataset's domestic producers (the same options give the
// same certificates as Run's dataset). A producer that holds them has one a calendar year for each
// category it makes, covering the category's ENSTRU class, certifying about the local content its goods
// carry in the dataset, so that certified and published local content can be compared.
func Certificates(opts Options) ([]Certificate, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	w := newRoster(rand.New(rand.NewPCG(opts.Seed, streamRoster)), opts.Items)
	r := rand.New(rand.NewPCG(opts.Seed, streamCertificates))
	var prefixes [nCats]string
	for c := range nCats {
		prefixes[c] = classPrefix(catalog[c])
	}
	var out []Certificate
	for i, s := range w.suppliers {
		if s.class != classProducer || (i != w.factory && r.IntN(100) >= certifiedShare) {
			continue
		}
		for c := range nCats {
			if s.cats&catBit(c) == 0 {
				continue
			}
			for year := firstYear; year <= lastYear; year++ {
				// The certified figure differs from the published one by a point or two either way.
				bp := min(max(s.ksBase+r.Int64N(401)-200, 0), 10000)
				out = append(out, Certificate{
					Number:         fmt.Sprintf("KZ-%d-%s-%d", year, s.biin, c+1),
					BIN:            s.biin,
					ENSTRUPrefix:   prefixes[c],
					LocalContentBP: bp,
					Issued:         time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC),
					Expires:        time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC),
				})
			}
		}
	}
	return out, nil
}

// classPrefix is the longest ENSTRU prefix a category's products share.
func classPrefix(items []catalogItem) string {
	prefix := strings.ReplaceAll(items[0].enstru, ".", "")
	for _, it := range items[1:] {
		code := strings.ReplaceAll(it.enstru, ".", "")
		n := 0
		for n < len(prefix) && n < len(code) && prefix[n] == code[n] {
			n++
		}
		prefix = prefix[:n]
	}
	return prefix
}

// WriteCertificatesCSV writes certificates in the CSV format of `ules import --format certificates`.
func WriteCertificatesCSV(w io.Writer, certs []Certificate) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"number", "bin", "enstru_code", "local_content_percent", "issued", "expires"}); err != nil {
		return err
	}
	for _, c := range certs {
		err := cw.Write([]string{c.Number, c.BIN, c.ENSTRUPrefix, percent(c.LocalContentBP),
			c.Issued.Format(time.DateOnly), c.Expires.Format(time.DateOnly)})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// percent writes basis points as a percentage with up to two decimals: 8450 is "84.5".
func percent(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if frac := bp % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return s
}
