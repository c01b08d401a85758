// Package money holds the exact arithmetic Ules uses for amounts and
// percentages.
//
// Amounts are int64 minor units (tiyn; 1 tenge = 100 tiyn) and percentages
// are int64 basis points (bp; 100% = 10000). Nothing in this package goes
// through float64: decimal strings are parsed digit by digit and products
// that could overflow int64 are computed with math/big. Every rounding step
// rounds half away from zero, the convention of Kazakh accounting practice
// and of most procurement portals.
package money
