package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// newBIN returns a resident legal entity's BIN: registration year and month (YYMM), 4 for a legal entity,
// the office digit (0 for a head office), a five-digit serial and the national check digit. Distinct
// serials give distinct BINs; the registration date is redrawn in the rare case that no check digit exists.
func newBIN(r *rand.Rand, serial, fromYear, toYear int) string {
	var d [12]byte
	for {
		yy := (fromYear + r.IntN(toYear-fromYear+1)) % 100
		mm := 1 + r.IntN(12)
		d[0], d[1] = byte(yy/10), byte(yy%10)
		d[2], d[3] = byte(mm/10), byte(mm%10)
		d[4] = 4
		d[5] = byte(serial / 100_000 % 10)
		for i, s := 10, serial; i >= 6; i, s = i-1, s/10 {
			d[i] = byte(s % 10)
		}
		c, ok := checkDigit(d[:11])
		if !ok {
			continue
		}
		d[11] = c
		for i := range d {
			d[i] += '0'
		}
		return string(d[:])
	}
}

// checkDigit computes the check digit shared by BINs and IINs: a weighted sum modulo 11, retried with
// shifted weights when the first gives 10; numbers for which both give 10 are never issued.
func checkDigit(d []byte) (byte, bool) {
	sum := 0
	for i, v := range d {
		sum += int(v) * (i + 1)
	}
	if c := sum % 11; c != 10 {
		return byte(c), true
	}
	sum = 0
	for i, v := range d {
		sum += int(v) * ((i+2)%11 + 1)
	}
	if c := sum % 11; c != 10 {
		return byte(c), true
	}
	return 0, false
}

const base36x7 = 36 * 36 * 36 * 36 * 36 * 36 * 36

// chinaRegions are administrative division codes that open a Chinese unified social credit code.
var chinaRegions = [...]string{"330100", "440100", "130100", "330782", "650100", "440300", "320100", "350100"}

// newForeignTaxNumber returns a non-resident's tax number prefixed with its country, in the shape of that
// country's numbers. The serial is embedded, permuted, so distinct serials give distinct numbers.
func newForeignTaxNumber(r *rand.Rand, c *foreignCountry, serial int) string {
	b := make([]byte, 0, 24)
	b = append(b, c.alpha2...)
	if c.alpha2 == "CN" {
		// Unified social credit code: 91 (enterprise), region, "MA" and a base-36 serial, 18 characters.
		b = append(b, "91"...)
		b = append(b, chinaRegions[r.IntN(len(chinaRegions))]...)
		b = append(b, "MA"...)
		// Multiplying by a constant coprime with 36 permutes the serials, hiding their order.
		s := strings.ToUpper(strconv.FormatInt(int64(serial)*0x9E3779B1%base36x7, 36))
		for range 7 - len(s) {
			b = append(b, '0')
		}
		b = append(b, s...)
		return string(append(b, byte('0'+r.IntN(10))))
	}
	b = append(b, byte('1'+r.IntN(9)))
	for range c.digits - 7 {
		b = append(b, byte('0'+r.IntN(10)))
	}
	s := strconv.Itoa(serial * 7919 % 1_000_000) // 7919 is coprime with 10: a permutation of serials.
	for range 6 - len(s) {
		b = append(b, '0')
	}
	return string(append(b, s...))
}
