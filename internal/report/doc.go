// Package report builds the document an official files about a target (or about an explorer's filter,
// without a threshold): its figures over a period, in Kazakh, Russian or English, written as XLSX, PDF or
// CSV.
//
// Build reads everything through the store into a Report (plain values: money in tiyn, shares in basis
// points), and Tables lays it out as the typed, translated tables every writer prints the same way, so a
// figure reads the same in each format and on the target's page.
package report
